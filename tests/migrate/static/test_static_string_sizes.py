"""String operations that would build a huge string in one step are refused by the budget with
their own message, before the string is built (each took ~1 GB and ~0.5 s before)."""
import resource

import pytest

from migrate.static.budget import BudgetExceeded
from migrate.static.tree import load_config_tree

CASES = {
    "'{:>999999999}'.format(1)": "str.format with the format spec '>999999999'",
    "'{:{}}'.format(1, 10 ** 9)": "str.format with the format spec '1000000000'",
    "'{0}{0}{0}'.format('x' * 400000)": 'str.format would build a string of 1,200,000',
    "f'{1:>999999999}'": "an f-string with the format spec '>999999999'",
    "f'{1.0:.999999999f}'": "an f-string with the format spec '.999999999f'",
    "'x'.center(10 ** 9)": 'str.center would build a string of 1,000,000,000',
    "'x'.ljust(10 ** 9)": 'str.ljust',
    "'x'.rjust(10 ** 9)": 'str.rjust',
    "'1'.zfill(10 ** 9)": 'str.zfill',
    "('ab' * 1000).replace('', 'x' * 100000)": 'str.replace would build a string of 200,102,000',
    "('-' * 200).join(['x' * 1000] * 900)": 'str.join would build a string of 1,079,800',
    "'%999999999d' % 1": "'%' with the conversion '%999999999d'",
    "'%.999999999f' % 1.0": "'%' with the conversion '%.999999999f'",
    "'%*d' % (10 ** 9, 1)": "'%' with a '*' width",
    "'%(a)s' * 1000 % {'a': 'x' * 5000}": "'%' with a mapping",
}


@pytest.mark.parametrize('expr', CASES)
def test_huge_string_hits_the_budget(tmp_path, expr):
    path = tmp_path / 'cfg.py'
    path.write_text(f'seed = 0\nname = {expr}\n')
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(BudgetExceeded) as err:
        load_config_tree(str(path))
    message = str(err.value)
    assert CASES[expr] in message and err.value.line == 2, (message, err.value.line)
    assert 'over the 1,000,000-character budget' in message
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB


@pytest.mark.parametrize('expr, value', [
    ("'{:>8}'.format('ab')", '      ab'), ("f'{3:05d}'", '00003'), ("'x'.center(5, '-')", '--x--'),
    ("'aXa'.replace('X', 'yy')", 'ayya'), ("'_'.join(['a', 'b'])", 'a_b'),
    ("'%5.2f' % 1.0", ' 1.00'), ("'%(a)s-%(a)s' % {'a': 'q'}", 'q-q'), ("'%*d' % (3, 7)", '  7'),
    ("'{0}{1}{0}'.format('a', 'b')", 'aba'), ("'{x[0]}'.format(x=[4])", '4'),
])
def test_ordinary_string_operations_keep_their_values(tmp_path, expr, value):
    path = tmp_path / 'cfg.py'
    path.write_text(f'name = {expr}\n')
    assert load_config_tree(str(path)).merged['name'] == value
