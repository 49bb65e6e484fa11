"""compat's WandbLoggerHook, MlflowLoggerHook, DvcliveLoggerHook, NeptuneLoggerHook,
ClearMLLoggerHook, SegmindLoggerHook and PaviLoggerHook make the same calls on their
packages as MMCV 1.7.2's (both replayed on recording fakes), and without the package fail at
the same stage with an ImportError naming it and the pip command (goldens:
scripts/oracle/record_legacy_extra_hook_goldens.py)."""
import json
import os
import sys
import warnings

import pytest

import compat.runner
import compat.runner.hooks
from compat.runner.hooks import NeptuneLoggerHook, PaviLoggerHook, WandbLoggerHook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(ROOT, 'scripts', 'oracle'))
from legacy_extra_hook_scenarios import runtime_of  # noqa: E402
from legacy_logger_hook_scenarios import (SCENARIOS, CallBook, fake_packages,  # noqa: E402
                                          missing_packages, run_scenario)

RT = runtime_of(compat.runner, compat.runner.hooks)
with open(os.path.join(ROOT, 'fixtures', 'goldens', 'legacy_extra_hooks.json')) as f:
    GOLDEN = json.load(f)['loggers']


@pytest.mark.parametrize('name', sorted(SCENARIOS))
def test_calls_on_the_package_equal_mmcv(name, tmp_path):
    ours, golden = run_scenario(RT, name, str(tmp_path / 'run')), GOLDEN[name]
    for i, (mine, theirs) in enumerate(zip(ours['calls'], golden['calls'])):
        assert mine == theirs, f'call {i}'
    assert ours == golden


# the package each hook names in its ImportError (pip name)
PIP = {'WandbLoggerHook': 'wandb', 'MlflowLoggerHook': 'mlflow', 'DvcliveLoggerHook': 'dvclive',
       'NeptuneLoggerHook': 'neptune-client', 'ClearMLLoggerHook': 'clearml',
       'SegmindLoggerHook': 'segmind'}


def test_missing_package_fails_where_mmcv_does_and_says_what_to_install(tmp_path):
    ours = missing_packages(RT, str(tmp_path))
    assert {k: v[:2] for k, v in ours.items()} == {k: v[:2] for k, v in GOLDEN['missing'].items()}
    for hook, (_, _, message) in ours.items():
        assert message.startswith(hook), message
        if hook in PIP:
            assert f"needs the '{PIP[hook]}' package" in message
            assert f'pip install {PIP[hook]}' in message
        else:
            assert "'pavi' package" in message and 'not on PyPI' in message


def test_with_step_false_neptune_error_says_why():
    book = CallBook()
    with fake_packages(book):
        hook = NeptuneLoggerHook(with_step=False)

        class Runner:
            mode = 'train'
            iter = 0

            class log_buffer:
                output = {'time': 1.0, 'loss': 0.5}

            @staticmethod
            def current_lr():
                return [0.1]

            @staticmethod
            def current_momentum():
                return [0.9]
        hook.before_run(Runner)
        with pytest.raises(RuntimeError, match='use with_step=True'):
            hook.log(Runner)
    assert [c[0] for c in book.calls] == ['neptune.new.init', 'neptune.new.init()[train/loss].log']


def test_wandb_warns_about_an_unknown_summary_and_still_defines_it():
    book = CallBook()
    with fake_packages(book), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        hook = WandbLoggerHook(define_metric_cfg={'acc': 'maximum'})

        class Runner:
            hooks = []
        hook.before_run(Runner)
    assert any('summary=maximum will be skipped' in str(w.message) for w in caught)
    assert book.calls[-1] == ['wandb.define_metric', ['acc'], {'summary': 'maximum'}]


def test_pavi_add_graph_on_cpu_names_the_setting():
    hook = PaviLoggerHook(add_graph_kwargs=dict(active=True))

    class Runner:
        class model:
            @staticmethod
            def parameters():
                import torch
                return iter([torch.zeros(1)])
    with pytest.raises(ValueError, match=r'add_graph_kwargs=dict\(active=False\)'):
        hook._add_graph(Runner, 1)
