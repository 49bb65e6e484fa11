"""MLflowVisBackend on a local file store, read back with ``MlflowClient``."""
import os

import pytest

pytest.importorskip('mlflow', reason='mlflow is not installed (pip install "mmcv-migrate[mlflow]")')

from mlflow.tracking import MlflowClient  # noqa: E402

from engine.errors import BuildError  # noqa: E402
from engine.visualization import MLflowVisBackend  # noqa: E402
from engine.visualization.mlflow_backend import flatten_params  # noqa: E402


@pytest.fixture(scope='module')
def allow_file_store(module_env):
    # MLflow 3.x refuses file stores without it; older versions ignore the variable
    module_env.setenv('MLFLOW_ALLOW_FILE_STORE', 'true')


def store_uri(path) -> str:
    return f'file://{os.path.abspath(str(path))}'


def all_artifacts(client, run_id, path=None) -> list:
    found = []
    for info in client.list_artifacts(run_id, path):
        found += all_artifacts(client, run_id, info.path) if info.is_dir else [info.path]
    return found


@pytest.fixture(scope='module')
def engine_run(tmp_path_factory, train_toy, allow_file_store):
    tmp = tmp_path_factory.mktemp('mlflow')
    uri = store_uri(tmp / 'mlruns')
    runner, records = train_toy(str(tmp / 'work_dir'), [dict(
        type='MLflowVisBackend', tracking_uri=uri, exp_name='toy', run_name='toy-run',
        tags=dict(team='migrate'), params=dict(note='from-init'))])
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name('toy')
    runs = client.search_runs([experiment.experiment_id])
    assert len(runs) == 1
    return runner, records, client, runs[0]


def test_engine_run_metric_history_holds_every_logged_scalar(engine_run):
    _, records, client, run = engine_run
    keys = {k for r in records for k in r if k != 'step'}
    assert set(run.data.metrics) == keys
    for key in sorted(keys):
        expected = [(r['step'], r[key]) for r in records if key in r]
        history = client.get_metric_history(run.info.run_id, key)
        assert [(m.step, m.value) for m in history] == expected, key


def test_engine_run_params_tags_artifacts_and_status(engine_run):
    runner, _, client, run = engine_run
    params = run.data.params
    assert params['note'] == 'from-init'
    assert params['work_dir'] == runner.cfg['work_dir']
    assert params['train_cfg.max_epochs'] == '2'
    assert params['default_hooks.logger.interval'] == '3'
    assert params['model.type'] == runner.cfg['model']['type']
    assert run.data.tags['mlflow.runName'] == 'toy-run' and run.data.tags['team'] == 'migrate'
    assert run.info.status == 'FINISHED'  # close() ended the run
    artifacts = all_artifacts(client, run.info.run_id)
    stamp = os.path.basename(runner.log_dir)
    # the config text from add_config, then the work_dir files with the default suffixes
    assert {'config.py', f'{stamp}/{stamp}.log', f'{stamp}/vis_data/scalars.json',
            f'{stamp}/vis_data/config.py'} <= set(artifacts)
    assert client.download_artifacts(run.info.run_id, 'config.py') is not None


def test_tracked_config_keys_and_default_store_in_save_dir(tmp_path, allow_file_store):
    save_dir = tmp_path / 'vis'
    backend = MLflowVisBackend(save_dir=str(save_dir), tracked_config_keys=['train_cfg'],
                               artifact_suffix='.txt')
    (tmp_path / 'notes.txt').write_text('x')
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'sub' / 'more.txt').write_text('y')
    (tmp_path / '.hidden.txt').write_text('z')
    backend.add_config(dict(work_dir=str(tmp_path), train_cfg=dict(max_epochs=3), other=1))
    backend.add_scalar('acc', 0.5, step=2)
    run_id = backend.experiment.active_run().info.run_id
    backend.close()
    # no tracking_uri: the store is the back end's save_dir, experiment 'Default'
    client = MlflowClient(tracking_uri=store_uri(save_dir))
    run = client.get_run(run_id)
    assert client.get_experiment(run.info.experiment_id).name == 'Default'
    assert run.data.params == {'train_cfg.max_epochs': '3'}
    assert [(m.step, m.value) for m in client.get_metric_history(run_id, 'acc')] == [(2, 0.5)]
    artifacts = set(all_artifacts(client, run_id))
    assert {'notes.txt', 'sub/more.txt'} <= artifacts and '.hidden.txt' not in artifacts


def test_flatten_params_follows_mmengine():
    cfg = {'a': {'b': 1, 'c': {'d': (1, 2)}}, 'pipe': [dict(type='A'), dict(type='B', p=2)],
           'plain': [1, 2], 'n': None}
    assert flatten_params(cfg) == {'a.b': 1, 'a.c.d': (1, 2), 'pipe.0.type': 'A',
                                   'pipe.1.type': 'B', 'pipe.1.p': 2, 'plain': [1, 2],
                                   'n': None}
    with pytest.raises(ValueError, match=r"'pipe'.*pipe\.1 is 'x'"):
        flatten_params({'pipe': [dict(type='A'), 'x']})


def test_wrong_arguments_are_refused(tmp_path, allow_file_store):
    backend = MLflowVisBackend(save_dir=str(tmp_path))
    with pytest.raises(ValueError, match="'step' entry"):
        backend.add_scalars({'step': 1, 'a': 2})
    with pytest.raises(TypeError, match='artifact_suffix'):
        MLflowVisBackend(save_dir=str(tmp_path), artifact_suffix=['.json'])


def test_close_without_a_config_ends_the_run_and_says_why(tmp_path, allow_file_store):
    backend = MLflowVisBackend(save_dir=str(tmp_path))
    backend.add_scalar('a', 1.0)
    mlflow = backend.experiment
    run_id = mlflow.active_run().info.run_id
    with pytest.raises(RuntimeError, match='no config was recorded'):
        backend.close()
    assert mlflow.active_run() is None
    assert MlflowClient(store_uri(tmp_path)).get_run(run_id).info.status == 'FINISHED'


def test_file_store_refused_by_mlflow_is_reported_at_build(tmp_path, monkeypatch, train_toy):
    import mlflow
    if not hasattr(getattr(mlflow, 'environment_variables', None), 'MLFLOW_ALLOW_FILE_STORE'):
        pytest.skip(f'MLflow {mlflow.__version__} accepts file stores without opting in')
    monkeypatch.delenv('MLFLOW_ALLOW_FILE_STORE', raising=False)
    with pytest.raises(BuildError, match='MLFLOW_ALLOW_FILE_STORE=true') as info:
        train_toy(str(tmp_path), [dict(type='MLflowVisBackend')])
    assert "key 'visualizer.vis_backends[1]'" in str(info.value)
    assert "MMEngine's default" in str(info.value)
    with pytest.raises(BuildError, match=r"tracking_uri='file:///x/mlruns'"):
        train_toy(str(tmp_path), [dict(type='MLflowVisBackend',
                                       tracking_uri='file:///x/mlruns')])
