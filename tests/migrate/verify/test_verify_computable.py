"""A schedule input the static evaluator could not compute is refused by its own key."""
import pytest

from engine.errors import ConfigError
from migrate.static import Opaque, evaluate_text
from migrate.verify.computable import require_computable


def _refusal(view, paths):
    with pytest.raises(ConfigError) as err:
        require_computable(view, paths, file='cfg.py', side='legacy')
    return err.value


def test_names_the_innermost_unknown_key_and_its_source():
    view = evaluate_text("import os\nlr_config = dict(policy='step', step=[8, int(os.environ"
                         "['STEP'])])\n")
    err = _refusal(view, [('lr_config',)])
    assert err.key == 'lr_config.step.1' and err.file == 'cfg.py'
    assert "int(os.environ['STEP'])" in err.message and 'statically' in err.message
    assert 'literal' in err.fix


def test_an_unknown_parent_is_named_for_a_key_below_it():
    err = _refusal({'optimizer': Opaque('make_optimizer()')}, [('optimizer', 'lr')])
    assert err.key == 'optimizer' and 'make_optimizer()' in err.message


def test_missing_and_known_keys_and_unknowns_elsewhere_pass():
    view = {'optimizer': dict(type='SGD', lr=0.1, weight_decay=Opaque('wd()')),
            'model': Opaque('build()')}
    require_computable(view, [('optimizer', 'lr'), ('optimizer', 'momentum'), ('lr_config',)],
                       file='cfg.py', side='legacy')
