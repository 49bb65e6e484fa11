"""W&B and MLflow are optional: without the package, building the back end fails naming the
config key, the package and the pip command (the import is blocked through sys.modules, so
these run whether or not the packages are installed)."""
import sys

import pytest

from engine.errors import BuildError
from engine.visualization import MLflowVisBackend, Visualizer, WandbVisBackend


@pytest.mark.parametrize('backend, module, pip_name, extra', [
    ('WandbVisBackend', 'wandb', 'wandb', 'wandb'),
    ('MLflowVisBackend', 'mlflow', 'mlflow-skinny', 'mlflow'),
])
def test_missing_package_fails_the_build_naming_key_package_and_pip(
        tmp_path, monkeypatch, train_toy, backend, module, pip_name, extra):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(BuildError) as info:
        train_toy(str(tmp_path), [dict(type=backend)])
    text = str(info.value)
    assert "key 'visualizer.vis_backends[1]'" in text
    assert f"{backend} needs the '{pip_name}' package" in text
    assert f'pip install {pip_name}' in text and f'mmcv-migrate[{extra}]' in text
    assert isinstance(info.value, ImportError)  # `except ImportError` still catches it
    assert not list(tmp_path.rglob('wandb')) and not list(tmp_path.rglob('mlruns'))


@pytest.mark.parametrize('cls, module', [(WandbVisBackend, 'wandb'), (MLflowVisBackend, 'mlflow')])
def test_missing_package_direct_construction(tmp_path, monkeypatch, cls, module):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match='pip install'):
        cls(save_dir=str(tmp_path))


def test_visualizer_names_the_index_of_a_failing_back_end():
    with pytest.raises(BuildError) as info:
        Visualizer(vis_backends=[dict(type='LocalVisBackend'), dict(type='NoSuchBackend')])
    assert info.value.key == 'vis_backends[1]'
