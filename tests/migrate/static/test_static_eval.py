"""Value tables for the static evaluator: what it computes, and what stays Opaque."""
import pytest

from migrate.static import Opaque, evaluate_text

KNOWN = [
    ('x = 1 + 2 * 3 - 4', 3),
    ('x = 7 / 2', 3.5),
    ('x = -7 // 2', -4),
    ('x = 2 ** -1', 0.5),
    ('x = (5 % 3, -5 % 3)', (2, 1)),
    ('x = ~5 & 0xff | 1 << 3 ^ 2', (~5 & 0xff) | (1 << 3 ^ 2)),
    ('x = +1e-3', 0.001),
    ('x = 1_000 + 0o17 + 0b11', 1018),
    ('x = 2j * 2', 4j),
    ('x = "a" "b" \'c\'', 'abc'),
    ("x = r'\\d+' + '\\t'", '\\d+\t'),
    ("x = '''multi\nline'''", 'multi\nline'),
    ("x = b'raw'", b'raw'),
    ("x = 'a\\'b'", "a'b"),
    ("x = 'p%dq%s' % (3, 'z')", 'p3qz'),
    ("x = '%(a)s-%(b).1f' % dict(a='k', b=0.25)", 'k-0.2'),
    ("n = 3\nx = f'{n}-{n * 2:03d}-{n!r}-{{n}}'", '3-006-3-{n}'),
    ("w = 5\nx = f'{3.14159:>{w}.2f}'", ' 3.14'),
    ("x = rf'\\d{1}'", '\\d1'),
    ("x = f'a\\tb'", 'a\tb'),
    ("x = 'lr_{}_{e}'.format(0.1, e=12)", 'lr_0.1_12'),
    ("x = '_'.join(['a', 'b']).upper()", 'A_B'),
    ('x = [1, 2] + [3] * 2', [1, 2, 3, 3]),
    ('x = (1,) * 2 + (2,)', (1, 1, 2)),
    ('x = [*range(3), *(7, 8)]', [0, 1, 2, 7, 8]),
    ('x = {1, 2} | {3}', {1, 2, 3}),
    ('x = {**dict(a=1), "b": 2, **{"a": 3}}', {'a': 3, 'b': 2}),
    ('a = dict(k=1)\nx = dict(a, j=2, **dict(m=3))', {'k': 1, 'j': 2, 'm': 3}),
    ('x = dict([("a", 1), ("b", 2)])', {'a': 1, 'b': 2}),
    ('x = [1, 2, 3][::-1][1:]', [2, 1]),
    ('x = dict(a=[10, 20])["a"][-1]', 20),
    ('x = (1, 2) < (1, 3) and 2 in [1, 2] and "a" not in "bc"', True),
    ('x = 0 or [] or "z"', 'z'),
    ('x = 1 and 0', 0),
    ('x = not []', True),
    ('x = None is None', True),
    ('x = 1 < 2 < 2', False),
    ('x = "yes" if 3 > 2 else "no"', 'yes'),
    ('x = len([1, 2]) + len("abc") + len(dict(a=1))', 6),
    ('x = list(range(2, 8, 2))', [2, 4, 6]),
    ('x = tuple([1, 2])', (1, 2)),
    ('x = (int("7"), int(2.9), float("1.5"), str(12), bool(0))', (7, 2, 1.5, '12', False)),
    ('x = (round(2.5), round(0.125, 2), min(3, 1), max([4, 9]), abs(-2), sum([1, 2]))',
     (2, 0.12, 1, 9, 2, 3)),
    ('x = sorted([3, 1, 2], reverse=True)', [3, 2, 1]),
    ('x = list(zip([1, 2], "ab"))', [(1, 'a'), (2, 'b')]),
    ('x = [i for i, _ in enumerate("ab")]', [0, 1]),
    ('x = [i * j for i in range(3) if i for j in (1, 10)]', [1, 10, 2, 20]),
    ('x = {k: v for k, v in dict(a=1, b=2).items() if v > 1}', {'b': 2}),
    ('x = {i % 2 for i in range(5)}', {0, 1}),
    ('x = sum(i for i in range(5))', 10),
    ('x = any(i > 3 for i in range(5)) and all([1, 2])', True),
    ('import math\nx = math.floor(math.pi * 10)', 31),
    ('import os.path as osp\nx = osp.join("a", "b.py")', 'a/b.py'),
    ('import os\nx = os.path.basename("a/b.py")', 'b.py'),
    ('from os import path\nx = path.splitext("m.pth")', ('m', '.pth')),
    ('a = 1\nb = a + 1\na = 10\nx = (a, b)', (10, 2)),
    ('a, (b, *c) = 1, (2, 3, 4)\nx = (a, b, c)', (1, 2, [3, 4])),
    ('x: int = 4', 4),
    ('x = y = [1]\ny.append(2)', [1, 2]),
    ('x = [1]\nx += [2]\nx *= 2', [1, 2, 1, 2]),
    ('x = dict(a=dict(b=1))\nx["a"]["b"] += 5\nx["c"] = [0]\nx["c"][0] = 9',
     {'a': {'b': 6}, 'c': [9]}),
    ('x = dict(a=1, b=2)\nx.pop("a")\nx.update(c=3)\nx.setdefault("d", 4)',
     {'b': 2, 'c': 3, 'd': 4}),
    ('x = [3, 1]\nx.sort()\nx.insert(0, 0)\nx.extend((5,))\nx.remove(1)', [0, 3, 5]),
    ('x = dict(a=1, b=2)\ndel x["a"]', {'b': 2}),
    ('n = 8\nif n > 4:\n    x = "big"\nelif n:\n    x = "small"\nelse:\n    x = "zero"', 'big'),
    ('x = []\nfor i in range(6):\n    if i == 4:\n        break\n    if i % 2:\n        continue\n'
     '    x.append(i)\nelse:\n    x = None', [0, 2]),
    ('x = [1, 2].index(2) + (1, 1).count(1)', 3),
    ('x = print("hi")', None),
    ('x = ...', Ellipsis),
    ('x = (y := 3) + y', 6),
]


@pytest.mark.parametrize('source,expected', KNOWN)
def test_known_values(source, expected):
    value = evaluate_text(source)['x']
    assert value == expected
    assert type(value) is type(expected)


OPAQUE = [
    ("import os\nx = os.environ['LR']", Opaque("os.environ['LR']")),
    ('x = build(1)', Opaque('build(1)')),
    ('x = undefined', Opaque('undefined')),
    ('y = f()\nx = y + 1', Opaque('y + 1')),
    ('y = f()\nx = y == 1', Opaque('y == 1')),
    ('y = [f()]\nx = 1 in y', Opaque('1 in y')),
    ('y = f()\nx = 1 if y else 2', Opaque('1 if y else 2')),
    ('y = f()\nx = f"{y}"', Opaque('f"{y}"')),
    ('y = [f()]\nx = str(y)', Opaque('str(y)')),
    ('def g():\n    return 1\nx = g()', Opaque('g()')),
    ('x = 1 / 0', Opaque('1 / 0')),
    ('x = 10 ** 100000', Opaque('10 ** 100000')),
    ("x = 'ab' * 10 ** 7", Opaque("'ab' * 10 ** 7")),
    ('x = [i for i in range(10 ** 7)]', Opaque('[i for i in range(10 ** 7)]')),
    ('x = sum(range(10 ** 12))', Opaque('sum(range(10 ** 12))')),
    ('x = dict(a=1).a', Opaque('dict(a=1).a')),
    ('x = {{_base_.a}}', Opaque('{{_base_.a}}')),
    ("x = '{{_base_.a}}'", Opaque("'{{_base_.a}}'")),
    ('x = __file__', Opaque('__file__')),
    ('x = open("f").read()', Opaque('open("f").read()')),
    ('if f():\n    x = 1', Opaque('x')),
    ('x = 0\nwhile x < 3:\n    x += 1', Opaque('x')),
    ('try:\n    x = 1\nexcept Exception:\n    x = 2', Opaque('x')),
    ('x = dict(a=1)\nx.update(f())', Opaque('x')),
    ('x = [1]\nfor i in g():\n    x.append(i)', Opaque('x')),
    ('class x:\n    pass', Opaque('class x')),
    ('x = len', Opaque('len')),
]


@pytest.mark.parametrize('source,expected', OPAQUE)
def test_opaque_values(source, expected):
    assert evaluate_text(source)['x'] == expected


PARTLY_KNOWN = [
    ('x = dict(type="SGD", lr=get_lr())', {'type': 'SGD', 'lr': Opaque('get_lr()')}),
    ('x = [f(), 1] + [2]', [Opaque('f()'), 1, 2]),
    ('x = (1, g(2))', (1, Opaque('g(2)'))),
    ('x = {k(): 1, "b": v}', {Opaque('k()'): 1, 'b': Opaque('v')}),
    ('x = [1]\nx.append(f())', [1, Opaque('f()')]),
    ('y = f()\nx = dict(a=y, b=[y])', {'a': Opaque('f()'), 'b': [Opaque('f()')]}),
    ('x = len([f(), g()])', 2),
]


@pytest.mark.parametrize('source,expected', PARTLY_KNOWN)
def test_opaque_parts_keep_the_rest(source, expected):
    assert evaluate_text(source)['x'] == expected


def test_keys_follow_mmcv_rules():
    own = evaluate_text(
        'import os\nimport os.path as osp\nfrom math import pi\nfrom os.path import join\n'
        'def f():\n    pass\ng = lambda: 0\n__hidden = 1\n_single = 2\nfor i in range(2):\n'
        '    pass\nclass K:\n    pass\n_deprecation_ = dict(expected="x")\nz = 3\n')
    assert list(own) == ['pi', '_single', 'i', 'K', 'z']
    assert own['i'] == 1


def test_opaque_compares_only_by_code_and_refuses_truth():
    assert Opaque('f()') == Opaque('f()')
    assert Opaque('f()') != Opaque('g()')
    assert Opaque('f()') != 'f()'
    assert len({Opaque('a'), Opaque('a')}) == 1
    with pytest.raises(TypeError):
        bool(Opaque('a'))


def test_predefined_templates_only_inside_strings(tmp_path):
    path = tmp_path / 'my_cfg.py'
    path.write_text("a = '{{ fileBasenameNoExtension }}/{{fileExtname}}'\n"
                    "b = f'{{{{fileBasename}}}}'\nc = {{fileDirname}}\n")
    own = evaluate_text(path.read_text(), str(path))
    assert own['a'] == 'my_cfg/.py'
    assert own['b'] == '{my_cfg.py}'
    assert own['c'] == Opaque('{{fileDirname}}')


def test_any_python_reads_without_exceptions():
    own = evaluate_text(
        'import os, sys as system\nfrom . import rel\nfrom os import *\nx = [1, 2, 3]\n'
        'x[0:2] = [9]\nkept = list(x)\nx.attr = 1\ndel nothing\n@deco\ndef f(a, *b, **c):\n'
        '    global g\n    g = 1\nasync def h():\n    pass\nclass C(Base, metaclass=M):\n'
        '    z = 1\nmatch kept:\n    case [1, *_]:\n        m = 1\n'
        'with open("f") as fh, ctx() as (p, q):\n    w = 1\ntry:\n    t = 1\n'
        'except (A, B) as err:\n    t = 2\nfor a, *b in [(1, 2, 3)]:\n    pass\n'
        'while True:\n    break\nwalrus = [v for u in range(3) if (v := u * 2)]\n'
        'nested = [[j for j in range(i)] for i in range(3)]\nneg = -"a"\n')
    assert own['kept'] == [9, 3] and own['x'] == Opaque('x')
    assert (own['a'], own['b']) == (1, [2, 3])
    assert own['walrus'] == [2, 4] and own['v'] == 4
    assert own['nested'] == [[], [0], [0, 1]]
    assert own['neg'] == Opaque('-"a"')
    for name in ('C', 'm', 'fh', 'p', 'q', 'w', 't', 'err'):
        assert isinstance(own[name], Opaque), name
    assert not {'os', 'system', 'rel', 'f', 'h', 'g'} & set(own)
