"""Cases shared by the fp16-utilities golden recorder (run with the real MMCV 1.7.2) and our
tests (torch only: imports neither MMCV nor our code). Each ``*_cases`` function takes the
``fp16_utils`` module under test (``mmcv.runner.fp16_utils`` or ``compat.runner.fp16_utils``)
and returns JSON-able observations, so one dict compares the two implementations.
"""
from __future__ import annotations

from collections import OrderedDict, defaultdict, namedtuple

import numpy as np
import torch
import torch.nn as nn

Pair = namedtuple('Pair', 'a b')


def describe(obj):
    """A JSON-able picture of ``obj``: container types, tensor dtypes, leaf types."""
    if isinstance(obj, torch.Tensor):
        return {'tensor': str(obj.dtype), 'values': obj.double().flatten().tolist()}
    if isinstance(obj, np.ndarray):
        return {'ndarray': str(obj.dtype)}
    if isinstance(obj, nn.Module):
        return {'module': type(obj).__name__,
                'dtypes': sorted({str(p.dtype) for p in obj.parameters()})}
    if isinstance(obj, dict):
        return {'type': type(obj).__name__,
                'items': [[str(k), describe(v)] for k, v in obj.items()]}
    if isinstance(obj, (list, tuple)):
        return {'type': type(obj).__name__, 'items': [describe(v) for v in obj]}
    if isinstance(obj, (set, frozenset)):
        return {'type': type(obj).__name__, 'items': sorted(str(describe(v)) for v in obj)}
    return {'leaf': type(obj).__name__, 'repr': repr(obj)}


def nested_inputs():
    """Tensors of several dtypes inside dicts, lists, tuples and sets, beside non-tensors."""
    f32 = torch.tensor([1.5, -2.25])
    return {
        'f32': f32, 'f16': torch.tensor([0.5], dtype=torch.half),
        'f64': torch.tensor([3.0], dtype=torch.float64), 'i64': torch.tensor([7]),
        'bool': torch.tensor([True]),
        'list': [f32, [torch.tensor([2.0], dtype=torch.half), 'text'], (1, 2.5, None)],
        'tuple': (f32, np.zeros(2, dtype=np.float32), b'by'),
        'ordered': OrderedDict(b=f32, a=torch.tensor([1], dtype=torch.int32)),
        'size': torch.Size([2, 3]), 'set': {3, 4}, 'str': 'abc', 'none': None,
        'module': nn.Linear(1, 1),
    }


def run(call):
    """The call's description, or the exception type it raised."""
    try:
        return {'ok': describe(call())}
    except Exception as err:  # noqa: BLE001 - the exception type is the observation
        return {'raises': type(err).__name__}


def cast_cases(fp16):
    cast = fp16.cast_tensor_type
    cases = {}
    for name, (src, dst) in {'f32_to_f16': (torch.float, torch.half),
                             'f16_to_f32': (torch.half, torch.float),
                             'f32_to_f64': (torch.float, torch.float64)}.items():
        cases[name] = run(lambda: cast(nested_inputs(), src, dst))
    cases['plain_tensor'] = run(lambda: cast(torch.ones(2), torch.float, torch.half))
    cases['int_leaf'] = run(lambda: cast(5, torch.float, torch.half))
    cases['namedtuple'] = run(lambda: cast(Pair(torch.ones(1), 2), torch.float, torch.half))
    cases['defaultdict'] = run(lambda: cast(defaultdict(list, a=torch.ones(1)),
                                            torch.float, torch.half))
    cases['range'] = run(lambda: cast([range(3)], torch.float, torch.half))
    cases['generator'] = run(lambda: cast((t for t in [torch.ones(1)]), torch.float, torch.half))
    return cases


class Probe(nn.Module):
    """Methods that report the dtypes they were called with; decorated by ``decorate``."""

    def __init__(self, fp16_enabled=None):
        super().__init__()
        if fp16_enabled is not None:
            self.fp16_enabled = fp16_enabled
        self.seen = None

    def both(self, x, y, z=None):
        self.seen = describe({'x': x, 'y': y, 'z': z})
        return {'sum': x + y if z is None else x + y + z, 'pair': (x * 2, y)}

    def only_x(self, x, y, scale=2):
        self.seen = describe({'x': x, 'y': y, 'scale': scale})
        return [x * scale, y]


def decorate(fp16):
    """Subclasses of ``Probe`` whose methods carry each decorator variant."""
    variants = {
        'auto': fp16.auto_fp16(), 'auto_x': fp16.auto_fp16(apply_to=('x',)),
        'auto_out32': fp16.auto_fp16(out_fp32=True),
        'force': fp16.force_fp32(), 'force_x': fp16.force_fp32(apply_to=('x',)),
        'force_out16': fp16.force_fp32(out_fp16=True),
    }
    return {name: type(f'Probe_{name}', (Probe,), {'both': deco(Probe.both),
                                                   'only_x': deco(Probe.only_x)})
            for name, deco in variants.items()}


def decorator_cases(fp16):
    f32 = torch.tensor([1.0, 2.5])
    f16 = torch.tensor([0.5, -1.0], dtype=torch.half)
    calls = {
        'positional': lambda p: p.both(f32, f16),
        'keywords': lambda p: p.both(x=f32, y=f16, z=f32),
        'mixed': lambda p: p.only_x(f32, f32.clone(), scale=f16),
        'nested': lambda p: p.only_x([f32, {'k': f16}], (f32,)),
        'extra_positional_kwarg': lambda p: p.only_x(f32, y=f16),
    }
    cases = {}
    for variant, cls in decorate(fp16).items():
        for enabled in (None, False, True):
            for call_name, call in calls.items():
                probe = cls(fp16_enabled=enabled)
                result = run(lambda: call(probe))
                cases[f'{variant}/{enabled}/{call_name}'] = {'result': result,
                                                              'seen': probe.seen}
    return cases


class Plain:
    """Not a module: both decorators refuse its methods."""

    fp16_enabled = True

    def method(self, x):
        return x


class Fp16Linear(nn.Module):
    """A legacy head: an fp32 Linear behind ``@auto_fp16`` (needs autocast to mix dtypes)."""

    def __init__(self):
        super().__init__()
        self.fp16_enabled = True
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return self.fc(x)


def refusal_cases(fp16):
    linear_cls = type('Head', (Fp16Linear,), {'forward': fp16.auto_fp16()(Fp16Linear.forward)})
    head = linear_cls()
    return {
        'auto_on_plain': run(lambda: fp16.auto_fp16()(Plain.method)(Plain(), torch.ones(1))),
        'auto_supported_plain': run(lambda: fp16.auto_fp16(supported_types=(Plain,))(
            Plain.method)(Plain(), torch.ones(1))),
        'force_on_plain': run(lambda: fp16.force_fp32()(Plain.method)(Plain(), torch.ones(1))),
        'auto_linear_on_cpu': run(lambda: head(torch.ones(1, 2))),
    }


class Leaf(nn.Module):
    def __init__(self, flag):
        super().__init__()
        if flag is not None:
            self.fp16_enabled = flag
        self.conv = nn.Conv2d(2, 2, 1)


def norm_model():
    """Every layer kind ``patch_norm_fp32`` tells apart, nested, with and without the flag."""
    torch.manual_seed(0)
    model = nn.Sequential(OrderedDict(
        conv=nn.Conv2d(2, 4, 1), bn=nn.BatchNorm2d(4), gn=nn.GroupNorm(2, 4),
        ln=nn.LayerNorm(4), inorm=nn.InstanceNorm2d(4, affine=True), sync=nn.SyncBatchNorm(4),
        fc=nn.Linear(4, 2), flagged=Leaf(False), flagged_on=Leaf(True), unflagged=Leaf(None),
        inner=nn.Sequential(nn.BatchNorm1d(2), nn.GroupNorm(1, 2))))
    model.fp16_enabled = False
    return model


def model_picture(model):
    return {'params': {name: str(p.dtype) for name, p in model.named_parameters()},
            'buffers': {name: str(b.dtype) for name, b in model.named_buffers()},
            'flags': {name: getattr(m, 'fp16_enabled', 'absent')
                      for name, m in model.named_modules()},
            'patched_forward': sorted(name for name, m in model.named_modules()
                                      if 'forward' in vars(m))}


def wrap_cases(fp16):
    wrapped = norm_model()
    result = fp16.wrap_fp16_model(wrapped)
    patched = norm_model().half()
    returned = fp16.patch_norm_fp32(patched)
    half_in = torch.linspace(-1, 1, 8, dtype=torch.half).reshape(1, 4, 2)
    forward = fp16.patch_forward_method(lambda t, k=None: (t * 2, k), torch.half, torch.float)
    keep = fp16.patch_forward_method(lambda t: t, torch.half, torch.float, convert_output=False)
    return {'wrap_returns': repr(result), 'wrapped': model_picture(wrapped),
            'patch_returns_same': returned is patched, 'patched': model_picture(patched),
            'patched_gn_output': describe(patched.gn(half_in)),
            'patched_inner_gn_output': describe(patched.inner[1](half_in[:, :2])),
            'forward_cast': describe(forward(half_in[0, 0], k=half_in[0, 1])),
            'forward_keep': describe(keep(half_in[0, 0]))}


SCALER_SETUPS = {
    'default': {},
    'small_window': {'init_scale': 2.0 ** 8, 'scale_window': 3},
    'factor_3': {'init_scale': 1000.0, 'scale_factor': 3.0, 'scale_window': 4},
    'floor_at_one': {'init_scale': 4.0, 'scale_window': 2},
    'int_scale': {'init_scale': 512, 'scale_factor': 2, 'scale_window': 5},
    'static': {'init_scale': 512.0, 'mode': 'static', 'scale_window': 2},
}
# A scripted run: True = the step overflowed.
OVERFLOWS = [False, True, False, False, False, True, True, True, True, False, False, False,
             False, False, False, False, True, False, False, False, False, False, False]


def scaler_cases(fp16):
    cases = {}
    for name, kwargs in SCALER_SETUPS.items():
        scaler = fp16.LossScaler(**kwargs)
        trajectory = [repr(scaler.loss_scale)]
        states = []
        for step, overflow in enumerate(OVERFLOWS):
            scaler.update_scale(overflow)
            trajectory.append(repr(scaler.loss_scale))
            if step == 11:
                states.append(dict(scaler.state_dict()))
        resumed = fp16.LossScaler()
        resumed.load_state_dict(states[0])
        for overflow in OVERFLOWS[12:]:
            resumed.update_scale(overflow)
        cases[name] = {'trajectory': trajectory, 'state_at_12': {k: repr(v) for k, v in
                                                                 states[0].items()},
                       'final_state': {k: repr(v) for k, v in scaler.state_dict().items()},
                       'resumed_final': {k: repr(v) for k, v in resumed.state_dict().items()}}
    cases['bad_mode'] = run(lambda: fp16.LossScaler(mode='auto'))
    cases['load_missing_key'] = run(lambda: fp16.LossScaler().load_state_dict({'cur_scale': 1}))
    return cases


def grad_params(kind):
    """Parameters whose gradients hold ``kind``: finite, inf, nan, a huge finite sum, none."""
    grads = {'finite': [torch.ones(3), torch.full((2,), -5.0, dtype=torch.half)],
             'inf': [torch.ones(3), torch.tensor([1.0, float('inf')], dtype=torch.half)],
             'neg_inf': [torch.tensor([-float('inf')])],
             'nan': [torch.tensor([0.0, float('nan')])],
             'sum_overflows': [torch.full((4,), 3e38)],
             'no_grad': [None, None]}[kind]
    params = []
    for grad in grads:
        param = nn.Parameter(torch.zeros(1) if grad is None else torch.zeros_like(grad))
        param.grad = grad
        params.append(param)
    return params


def overflow_cases(fp16):
    cases = {}
    for mode in ('dynamic', 'static'):
        scaler = fp16.LossScaler(mode=mode)
        for kind in ('finite', 'inf', 'neg_inf', 'nan', 'sum_overflows', 'no_grad'):
            cases[f'{mode}/{kind}'] = scaler.has_overflow(grad_params(kind))
    cases['class_call_inf'] = fp16.LossScaler._has_inf_or_nan(torch.tensor([float('inf')]))
    cases['class_call_finite'] = fp16.LossScaler._has_inf_or_nan(torch.tensor([1.0]))
    return cases


def all_cases(fp16):
    return {'cast': cast_cases(fp16), 'decorators': decorator_cases(fp16),
            'refusals': refusal_cases(fp16), 'wrap': wrap_cases(fp16),
            'scaler': scaler_cases(fp16), 'overflow': overflow_cases(fp16)}
