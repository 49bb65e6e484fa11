"""The reader's limits: every input ends by itself, with a value or an error naming the limit."""
import os

import pytest

from migrate.static import Opaque, evaluate_text, load_config_tree
from migrate.static.budget import MAX_NESTING, MAX_TOKENS, BudgetExceeded
from migrate.static.errors import StaticConfigError
from migrate.static.prescan import prescan
from migrate.static.sizes import MAX_VALUE_DEPTH, usable


def budget_error(text, tmp_path, name='cfg.py'):
    path = tmp_path / name
    path.write_text(text, newline='')
    with pytest.raises(StaticConfigError) as err:
        load_config_tree(str(path))
    return err.value


@pytest.mark.parametrize('text', [
    'a = ' + '[' * 1500 + ']' * 1500 + '\n',          # crashed libcst's native parser
    'a = ' + '+'.join(['1'] * 20000) + '\n',          # RecursionError
    'a = ' + '**'.join(['2'] * 1000) + '\n',
    'a = ' + 'not ' * 3000 + '1\n',
    'a = x' + '.b' * 500 + '\n',
    'a = f' + '()' * 500 + '\n',
    "a = ('x'\n" + " 'y'\n" * 400 + ')\n',
])
def test_deep_nesting_is_refused_before_parsing(text, tmp_path):
    err = budget_error(text, tmp_path)
    assert isinstance(err, BudgetExceeded) and err.budget == 'nesting'
    assert f'nesting deeper than {MAX_NESTING}' in str(err) and 'cfg.py:' in str(err)


def test_nesting_just_under_the_limit_is_read(tmp_path):
    path = tmp_path / 'ok.py'
    path.write_text('a = ' + '[' * 150 + ']' * 150 + '\nb = ' + '+'.join(['1'] * 150) + '\n')
    assert load_config_tree(str(path)).merged['b'] == 150


def test_flat_text_is_not_nesting():
    # long lists, dicts and statements reset the count at each separator
    prescan('a = [' + ', '.join(['-1.5e-3'] * 5000) + ']\n'
            + 'b = dict(' + ', '.join(f'k{i}=x.y.z' for i in range(2000)) + ')\n', 'f.py')


def test_token_budget(tmp_path):
    err = budget_error('a = [' + ','.join(['1'] * 500_000) + ']\n', tmp_path)   # 1 MB, 1 line
    assert err.budget == 'tokens' and f'more than {MAX_TOKENS:,} tokens' in str(err)


def test_size_budget_is_checked_before_reading(tmp_path):
    err = budget_error('#' * (3 * 2 ** 20) + '\n', tmp_path)
    assert err.budget == 'size' and 'file is 3.0 MB, over the 2 MB budget' in str(err)


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='needs FIFOs')
def test_fifo_and_device_links_are_refused_unread(tmp_path):
    os.mkfifo(tmp_path / 'fifo.py')
    with pytest.raises(StaticConfigError, match=r'not a regular file \(a FIFO\)'):
        load_config_tree(str(tmp_path / 'fifo.py'))   # blocked forever when opened
    os.symlink('/dev/zero', tmp_path / 'zero.py')
    with pytest.raises(StaticConfigError, match='a character device'):
        load_config_tree(str(tmp_path / 'zero.py'))   # read forever


@pytest.mark.parametrize('text, message, line', [
    ('a = dict(x=1, x=2)\n', 'keyword argument repeated', 1),
    ('a = 1\nreturn\n', "'return' outside function", 2),
    ("a = 1\nb = '\\x'\n", 'truncated \\xXX escape', 2),
    ('a = 1\nb = 2\x00\n', 'null bytes', None),
])
def test_what_python_refuses_is_an_error(text, message, line, tmp_path):
    err = budget_error(text, tmp_path)
    assert 'syntax error' in str(err) and message in str(err)
    if line is not None:
        assert f'cfg.py:{line}:' in str(err)


@pytest.mark.parametrize('text', ['a = 1\rb = a + 1\r', 'a = 1\n\rb = a + 1\n\r',
                                  'a = 1\r\nb = a + 1\r\r\n'])
def test_lone_carriage_returns_end_lines_as_in_python(text, tmp_path):
    path = tmp_path / 'cr.py'
    path.write_bytes(text.encode())
    tree = load_config_tree(str(path))
    assert tree.merged == {'a': 1, 'b': 2}
    assert '\r' not in tree.file.text.replace('\r\n', '')
    assert tree.file.module.code == tree.file.text   # libcst round-trips it now


def test_work_budget_stops_nested_comprehensions(tmp_path):
    err = budget_error('a = 1\nb = [[[i for i in range(1000)] for j in range(1000)] '
                       'for k in range(1000)]\n', tmp_path)
    assert err.budget == 'work' and 'evaluation work budget exceeded' in str(err)
    assert 'cfg.py:2' in str(err)


def test_shared_lists_too_large_written_out_stay_as_written():
    text = 'a0 = [0] * 10\n' + ''.join(f'a{i} = [a{i - 1}] * 10\n' for i in range(1, 30))
    text += 'b0 = [1]\n' + ''.join(f'b{i} = [b{i - 1}] * 2 + [b{i - 1}] * 2\n'
                                   for i in range(1, 40))
    keys = evaluate_text(text)
    assert keys['a4'] == [[[[[0] * 10] * 10] * 10] * 10] * 10
    assert keys['a5'] == Opaque('[a4] * 10') and keys['a6'] == [Opaque('[a4] * 10')] * 10
    assert keys['b10'] == Opaque('[b9] * 2 + [b9] * 2')
    assert all(usable(v) for v in keys.values())   # nothing left that expands past the limit


def test_values_that_contain_themselves_or_nest_too_deep_stay_as_written():
    keys = evaluate_text('a = []\na.append(a)\nb = []\nfor i in range(500):\n    b = [b]\n'
                         'c = {(1, 2): 3}\n')
    assert keys['a'] == Opaque('a') and keys['c'] == {(1, 2): 3}
    depth, value = 0, keys['b']
    while isinstance(value, list):
        depth, value = depth + 1, value[0]
    assert value == Opaque('b') and depth < MAX_VALUE_DEPTH


@pytest.mark.parametrize('text', [
    'x = 2\nfor i in range(40):\n    x = x * x\n',
    'x = 1\nfor i in range(100):\n    x <<= 4000\n',
    "s = 'ab'\nfor i in range(60):\n    s += s\n",
    'l = [0]\nfor i in range(60):\n    l *= 2\n',
    'x = pow(10, 10 ** 6)\n',
    'import math\nx = math.prod(range(1, 100000))\n',
])
def test_huge_numbers_and_strings_stay_unknown_quickly(text):
    import time
    start = time.perf_counter()
    try:
        value = evaluate_text(text)['x' if 'x =' in text else ('s' if 's =' in text else 'l')]
        assert isinstance(value, Opaque)
    except BudgetExceeded as err:   # growing a list a million long costs work too
        assert err.budget == 'work'
    assert time.perf_counter() - start < 5


def test_calls_and_imports_that_do_more_than_build_values_are_recorded(tmp_path):
    path = tmp_path / 'fx.py'
    path.write_text("import os\nimport torch\nos.system('echo hi')\nf = open('/etc/passwd')\n"
                    "if False:\n    os.remove('x')\nlr = float('0.1')\nd = dict(a=[1].copy())\n"
                    "p = []\np.append(len(p))\n")
    tree = load_config_tree(str(path))
    assert tree.file.side_effects == [(2, 'import torch', 'import'),
                                      (3, "os.system('echo hi')", 'call'),
                                      (4, "open('/etc/passwd')", 'call')]
    assert tree.merged['lr'] == 0.1 and tree.merged['p'] == [0]
