import os

import pytest

import resume_scenario as scenario


@pytest.fixture(scope='module')
def legacy_run(tmp_path_factory):
    """The uninterrupted legacy run (4 epochs, a checkpoint after each) and its conversion."""
    tmp = tmp_path_factory.mktemp('legacy_run')
    weights, lrs = scenario.run_legacy(str(tmp / 'legacy'))
    converted = scenario.convert_config(str(tmp))
    return dict(dir=tmp, work_dir=str(tmp / 'legacy'), weights=weights, lrs=lrs,
                converted=converted,
                ckpt=lambda epoch: os.path.join(str(tmp / 'legacy'), f'epoch_{epoch}.pth'))


@pytest.fixture(scope='module')
def engine_run(legacy_run, tmp_path_factory):
    """The converted config trained on the engine from scratch (4 epochs)."""
    tmp = tmp_path_factory.mktemp('engine_run')
    weights, lrs, _ = scenario.run_engine(legacy_run['converted'], str(tmp / 'engine'))
    return dict(weights=weights, lrs=lrs, work_dir=str(tmp / 'engine'))
