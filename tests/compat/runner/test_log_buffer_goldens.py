"""compat's ``LogBuffer`` equals MMCV 1.7.2's to the bit over a scripted sequence of updates,
averages and clears (goldens: fixtures/goldens/legacy_hooks.json, written by
scripts/oracle/record_legacy_hook_goldens.py)."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from compat.runner import LogBuffer

STEPS = json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' /
                    'legacy_hooks.json').read_text())['log_buffer']


def encode_number(v):
    f = float(v)
    return dict(type=type(v).__name__, value=f.hex() if math.isfinite(f) else repr(f))


def snapshot(buf):
    return dict(
        val_history={k: [encode_number(v) for v in vs] for k, vs in buf.val_history.items()},
        n_history={k: list(ns) for k, ns in buf.n_history.items()},
        output={k: encode_number(v) for k, v in buf.output.items()},
        ready=buf.ready)


def test_scripted_sequence_equals_mmcv():
    buf = LogBuffer()
    for i, step in enumerate(STEPS):
        with np.errstate(invalid='ignore'):  # a count-0 step averages 0/0 to nan, as in MMCV
            getattr(buf, step['op'])(**step['kwargs'])
        got = snapshot(buf)
        assert got == step['state'], f'step {i}: {step["op"]}({step["kwargs"]})'
        # key order is part of the behaviour: text loggers print output in this order
        assert list(got['output']) == list(step['state']['output']), i


def test_sequence_exercises_every_operation():
    assert {s['op'] for s in STEPS} == {'update', 'average', 'clear_output', 'clear'}
    assert any(s['kwargs'].get('n') == 0 for s in STEPS if s['op'] == 'average')


def test_wrong_arguments_are_refused():
    buf = LogBuffer()
    with pytest.raises(TypeError, match='dict'):
        buf.update([('loss', 1.0)])
    with pytest.raises(ValueError, match='n >= 0'):
        buf.average(-1)
