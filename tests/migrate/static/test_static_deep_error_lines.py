"""An error in a file nested as deep as the prescan allows names its line instead of failing
inside libcst's position walk (found by tests/migrate/fuzz: RecursionError, exit 3)."""
from migrate.static.errors import StaticConfigError
from migrate.static.tree import load_config_tree

import pytest

DEEP = '[' * 199 + ']' * 199


@pytest.mark.parametrize('base', ["'./missing.py'", "['./self.py']"])
def test_base_error_under_deep_nesting_names_its_line(tmp_path, base):
    leaf = tmp_path / 'leaf.py'
    (tmp_path / 'self.py').write_text(f'nested = {DEEP}\n_base_ = {base}\n')
    leaf.write_text("_base_ = './self.py'\nseed = 1\n")
    with pytest.raises(StaticConfigError) as err:
        load_config_tree(str(leaf))
    assert 'self.py:2:' in str(err.value), str(err.value)
