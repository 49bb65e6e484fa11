import pytest

from engine.errors import BuildError
from engine.registry import OPTIMIZERS, Registry


def make():
    reg = Registry('widget')

    @reg.register_module()
    class Gear:
        def __init__(self, teeth=10, *, material='steel'):
            self.teeth, self.material = teeth, material

    @reg.register_module(name=['Cog', 'Sprocket'])
    class Cog:
        def __init__(self, **kwargs):
            self.kwargs = kwargs

    return reg, Gear, Cog


def test_build_with_default_args_and_aliases():
    reg, Gear, Cog = make()
    g = reg.build(dict(type='Gear', teeth=3), default_args=dict(material='wood', teeth=99))
    assert (g.teeth, g.material) == (3, 'wood')
    assert reg.get('Sprocket') is Cog and 'Cog' in reg
    assert reg.build(dict(type=Gear)).teeth == 10  # a class works as type too


def test_duplicate_name_needs_force():
    reg, Gear, _ = make()
    with pytest.raises(KeyError, match='already registered'):
        reg.register_module(name='Gear', module=type('Other', (), {}))
    other = type('Other', (), {})
    reg.register_module(name='Gear', module=other, force=True)
    assert reg.get('Gear') is other


def test_unknown_type_suggests_close_names():
    reg, *_ = make()
    with pytest.raises(BuildError) as info:
        reg.build(dict(type='Geer'))
    assert "'Geer' is not a registered widget; did you mean 'Gear'?" in str(info.value)
    assert 'fix:' in str(info.value)
    with pytest.raises(BuildError, match="did you mean 'Cog'"):
        reg.get('cog')  # case-insensitive hint


def test_unexpected_argument_is_named_with_hint():
    reg, *_ = make()
    with pytest.raises(BuildError) as info:
        reg.build(dict(type='Gear', teeht=3))
    assert "'teeht' (did you mean 'teeth'?)" in str(info.value)
    assert info.value.key == 'teeht'


def test_missing_type_and_non_dict():
    reg, *_ = make()
    with pytest.raises(BuildError, match='needs a "type" key'):
        reg.build(dict(teeth=1))
    with pytest.raises(BuildError, match='must be a dict'):
        reg.build(['Gear'])


def test_constructor_errors_are_wrapped_with_the_class_name():
    reg = Registry('thing')

    @reg.register_module()
    class Picky:
        def __init__(self, x=1):
            if x < 0:
                raise ValueError('x must be >= 0')

    with pytest.raises(BuildError, match='building thing Picky failed: ValueError: x must be'):
        reg.build(dict(type='Picky', x=-1))


def test_every_torch_optimizer_is_registered():
    import torch

    import engine.optim  # noqa: F401  (registers)
    names = [n for n, c in vars(torch.optim).items()
             if isinstance(c, type) and issubclass(c, torch.optim.Optimizer)
             and c is not torch.optim.Optimizer]
    assert names
    for name in names:
        # MMEngine keeps 'Adafactor' for the transformers one and names torch's 'TorchAdafactor'
        assert name in OPTIMIZERS or f'Torch{name}' in OPTIMIZERS, name
    assert OPTIMIZERS.get('SGD') is torch.optim.SGD and 'LARS' in OPTIMIZERS
