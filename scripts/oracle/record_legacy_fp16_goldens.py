"""Record MMCV 1.7.2's ``mmcv.runner.fp16_utils`` on CPU.

Run with the oracle interpreter (it must not import this repository's packages):

    .oracle/mmcv/bin/python scripts/oracle/record_legacy_fp16_goldens.py

The cases live in legacy_fp16_model.py (shared with tests/compat/runner/fp16/): cast_tensor_type
over nested inputs, auto_fp16/force_fp32 argument and return dtypes with fp16_enabled absent,
False and True, the decorators' refusals (and an fp32 Linear behind auto_fp16, which fails on CPU
because torch disables CUDA autocast there), wrap_fp16_model and patch_norm_fp32 dtypes per
layer, LossScaler trajectories, state dicts and overflow checks.
Writes fixtures/goldens/legacy_fp16_utils.json.
"""
from __future__ import annotations

import json
import os
import sys
import warnings

import torch

warnings.filterwarnings('ignore')
from mmcv.runner import fp16_utils  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import legacy_fp16_model as cases  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'goldens',
                   'legacy_fp16_utils.json')


def main() -> None:
    assert not torch.cuda.is_available(), 'these goldens are the CPU behaviour'
    golden = {'torch': torch.__version__, 'cuda': False, **cases.all_cases(fp16_utils)}
    with open(OUT, 'w') as f:
        json.dump(golden, f, indent=1, sort_keys=True)
        f.write('\n')
    print('wrote', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
