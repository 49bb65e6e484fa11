"""WandbVisBackend under WANDB_MODE=offline: the run's transaction log (``run-<id>.wandb``),
read back with wandb's own reader (``wandb leet inspect --json``), holds what was logged."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

pytest.importorskip('wandb', reason='wandb is not installed (pip install "mmcv-migrate[wandb]")')

from engine.errors import BuildError  # noqa: E402
from engine.visualization import WandbVisBackend  # noqa: E402


@pytest.fixture(scope='module')
def wandb_tmp(tmp_path_factory, module_env):
    root = tmp_path_factory.mktemp('wandb')
    module_env.setenv('WANDB_MODE', 'offline')
    module_env.setenv('WANDB_SILENT', 'true')
    # wandb's own dirs (settings, artifact staging, cache) stay in tmp as well
    for var in ('WANDB_DIR', 'WANDB_DATA_DIR', 'WANDB_CACHE_DIR', 'WANDB_CONFIG_DIR'):
        module_env.setenv(var, str(root / var.lower()))
    # run.log_code() saves the .py files under the current directory
    module_env.chdir(root)
    return root


def read_records(run_dir) -> list:
    """Every record of the offline run in ``run_dir``, as wandb's CLI prints them."""
    proc = subprocess.run([sys.executable, '-m', 'wandb', 'leet', 'inspect', '--json',
                           str(run_dir)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def of_type(records, kind):
    return [r[kind] for r in records if r['type'] == kind]


def history_rows(records) -> list:
    """Logged rows without wandb's own ``_step``/``_runtime``/``_timestamp`` columns."""
    return [{k: v for k, v in h['item'].items() if not k.startswith('_')}
            for h in of_type(records, 'history')]


def final_summary(records) -> dict:
    summary = {}
    for s in of_type(records, 'summary'):
        summary.update(s.get('update', {}))
    return summary


def only_run(wandb_root):
    runs = [d for d in os.listdir(wandb_root) if d.startswith('offline-run-')]
    assert len(runs) == 1, runs
    return os.path.join(wandb_root, runs[0])


@pytest.fixture(scope='module')
def engine_run(wandb_tmp, train_toy):
    runner, records = train_toy(str(wandb_tmp / 'work_dir'), [dict(
        type='WandbVisBackend', init_kwargs=dict(project='toy', name='toy-run'),
        define_metric_cfg={'accuracy/top1': 'max'}, log_code_name='toy-code')])
    # init_kwargs['dir'] defaults to the back end's save_dir, <log_dir>/vis_data
    run_dir = only_run(os.path.join(runner.log_dir, 'vis_data', 'wandb'))
    return runner, records, read_records(run_dir)


def test_engine_run_history_holds_every_logged_scalar(engine_run):
    _, records, wb = engine_run
    # one wandb.log per add_scalars call, W&B counting its own steps (the engine's step is
    # not sent, as in MMEngine)
    assert [h['item']['_step'] for h in of_type(wb, 'history')] == list(range(len(records)))
    assert history_rows(wb) == [{k: v for k, v in r.items() if k != 'step'} for r in records]
    assert [r['iter'] for r in history_rows(wb) if 'iter' in r] == [3, 6, 11, 14]


def test_engine_run_records_config_code_and_metric_summary(engine_run):
    runner, records, wb = engine_run
    config = {}
    for c in of_type(wb, 'config'):
        config.update(c['update'])
    assert config['work_dir'] == runner.cfg['work_dir']
    assert config['train_cfg']['max_epochs'] == 2
    assert config['model'] == runner.cfg.to_dict()['model']
    code = [a for a in of_type(wb, 'artifact') if a['type'] == 'code']
    assert [a['name'] for a in code] == ['toy-code']
    metric = [m for m in of_type(wb, 'metric') if m.get('name') == 'accuracy/top1']
    assert metric and metric[0]['summary'] == {'max': True}
    best = max(r['accuracy/top1'] for r in records if 'accuracy/top1' in r)
    assert final_summary(wb)['accuracy/top1'] == {'max': best}
    run = of_type(wb, 'run')[0]
    assert run['project'] == 'toy' and run['display_name'] == 'toy-run'


def test_commit_false_merges_calls_into_one_row_and_image_graph_are_logged(wandb_tmp):
    save_dir = wandb_tmp / 'direct'
    backend = WandbVisBackend(save_dir=str(save_dir), commit=False,
                              define_metric_cfg=[dict(name='b', step_metric='a')],
                              watch_kwargs=dict(log='gradients', log_freq=1))
    assert not save_dir.exists()  # wandb.init waits for the first write
    backend.add_scalars({'a': torch.tensor(1.5)}, step=3)
    backend.add_scalar('b', np.float32(2.5))
    model = torch.nn.Linear(2, 1)
    backend.add_graph(model, None)
    model(torch.ones(1, 2)).sum().backward()
    backend.add_image('img', np.zeros((4, 6, 3), np.uint8))
    backend.experiment.log({'c': 1}, commit=True)
    backend.close()
    run_dir = only_run(save_dir / 'wandb')
    wb = read_records(run_dir)
    rows = of_type(wb, 'history')
    assert len(rows) == 1
    item = rows[0]['item']
    assert (item['a'], item['b'], item['c']) == (1.5, 2.5, 1)
    assert item['img._type'] == 'image-file' and (item['img.height'], item['img.width']) == (4, 6)
    assert os.path.isfile(os.path.join(run_dir, 'files', item['img.path']))
    assert item['gradients/weight._type'] == 'histogram'
    metric = [m for m in of_type(wb, 'metric') if m.get('name') == 'b']
    assert metric and metric[0]['step_metric'] == 'a'


def test_close_before_any_write_opens_no_run(wandb_tmp):
    save_dir = wandb_tmp / 'unused'
    WandbVisBackend(save_dir=str(save_dir)).close()
    assert not save_dir.exists()


def test_define_metric_cfg_of_another_type_is_refused_at_build(wandb_tmp, train_toy):
    with pytest.raises(BuildError, match='define_metric_cfg must be a dict') as info:
        train_toy(str(wandb_tmp / 'bad'), [dict(type='WandbVisBackend',
                                                 define_metric_cfg='accuracy/top1')])
    assert "key 'visualizer.vis_backends[1]'" in str(info.value)
