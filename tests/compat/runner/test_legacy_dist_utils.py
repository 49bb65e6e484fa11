"""compat.runner.dist_utils: launchers, and averaging on 2 gloo ranks against MMCV 1.7.2
(fixtures/goldens/legacy_runner_utils.json, scripts/oracle/record_runner_utils_goldens.py)."""
import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from compat.runner.dist_utils import (LauncherError, allreduce_grads, allreduce_params,
                                      get_dist_info, init_dist, master_only)
from engine.testing.gloo import run_on_gloo_ranks

GOLDEN = Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens' / 'legacy_runner_utils.json'
GOLDENS = json.loads(GOLDEN.read_text())
SEEDS = [0, 1, 42]
AVERAGING_MODES = [{'coalesce': True, 'bucket_size_mb': -1},
                   {'coalesce': True, 'bucket_size_mb': 1},
                   {'coalesce': False, 'bucket_size_mb': -1}]


def rank_tensors(rank: int) -> list:
    """The golden script's ``rank_tensors``: mixed dtypes, one tensor over 1 MiB."""
    def values(n, dtype):
        return ((torch.arange(n, dtype=torch.float64) * 0.37 + rank * 1.3 + 0.1) / 3).to(dtype)
    shapes = [((3, 4), torch.float32), ((300000,), torch.float32), ((5,), torch.float64),
              ((2, 2), torch.float32), ((7,), torch.float16)]
    params = []
    for i, (shape, dtype) in enumerate(shapes):
        n = int(np.prod(shape))
        p = torch.nn.Parameter(values(n, dtype).reshape(shape), requires_grad=(i != 3))
        if i not in (3, 4):
            p.grad = (values(n, dtype) * (i + 2) - 0.7).reshape(shape)
        params.append(p)
    return params


def summary(tensor) -> dict:
    flat = tensor.detach().flatten().to(torch.float64)
    return {'dtype': str(tensor.dtype), 'head': flat[:6].tolist(), 'tail': flat[-3:].tolist(),
            'sum': flat.sum().item()}


def _gloo_worker(rank, out_dir):
    from test_legacy_runner_utils import seeding_case
    record = {'seeding': [], 'averaging': []}
    for seed in SEEDS:
        for shift in (False, True):
            case = seeding_case(seed, False, shift)
            record['seeding'].append({**case, 'rank': get_dist_info()[0]})
    for mode in AVERAGING_MODES:
        params = rank_tensors(rank)
        allreduce_params(params, **mode)
        with_grads = rank_tensors(rank)
        allreduce_grads(with_grads, **mode)
        record['averaging'].append({
            **mode, 'params': [summary(p.data) for p in params],
            'grads': [summary(p.grad) if p.grad is not None else None for p in with_grads]})
    Path(out_dir, f'rank{rank}.json').write_text(json.dumps(record))


def test_rank_shifted_seeding_and_averaging_match_mmcv_on_two_ranks(tmp_path):
    run_on_gloo_ranks(_gloo_worker, 2, str(tmp_path))
    for rank in range(2):
        ours = json.loads((tmp_path / f'rank{rank}.json').read_text())
        assert ours == GOLDENS['ranks'][rank], f'rank {rank}'


def test_one_process_averaging_is_a_no_op():
    params = rank_tensors(0)
    before = [summary(p.data) for p in params] + [summary(p.grad) for p in params[:3]]
    allreduce_params(params)
    allreduce_grads(params, coalesce=False)
    assert [summary(p.data) for p in params] + [summary(p.grad) for p in params[:3]] == before


def _pytorch_launcher_worker(rank, init_file, out_dir):
    os.environ['RANK'] = str(rank)
    with pytest.warns(UserWarning, match="'nccl' is replaced by 'gloo'"):
        init_dist('pytorch', init_method=f'file://{init_file}', rank=rank, world_size=2)
    try:
        answer = master_only(lambda: 'from rank 0')()
        seen = {'backend': dist.get_backend(), 'dist_info': list(get_dist_info()),
                'master_only': answer}
        Path(out_dir, f'rank{rank}.json').write_text(json.dumps(seen))
    finally:
        dist.barrier()
        dist.destroy_process_group()


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the CPU fallback of nccl')
def test_pytorch_launcher_falls_back_to_gloo_without_cuda(tmp_path):
    mp.start_processes(_pytorch_launcher_worker, args=(str(tmp_path / 'init'), str(tmp_path)),
                       nprocs=2, join=True, start_method='spawn')
    seen = [json.loads((tmp_path / f'rank{r}.json').read_text()) for r in range(2)]
    assert seen == [{'backend': 'gloo', 'dist_info': [0, 2], 'master_only': 'from rank 0'},
                    {'backend': 'gloo', 'dist_info': [1, 2], 'master_only': None}]


def _mpi_launcher_worker(_, init_file, out_dir):
    os.environ.update(OMPI_COMM_WORLD_LOCAL_RANK='0', OMPI_COMM_WORLD_SIZE='1',
                      OMPI_COMM_WORLD_RANK='0', MASTER_ADDR='127.0.0.1')
    os.environ.pop('MASTER_PORT', None)
    init_dist('mpi', backend='gloo', init_method=f'file://{init_file}', rank=0, world_size=1)
    try:
        seen = {k: os.environ[k] for k in ('RANK', 'WORLD_SIZE', 'MASTER_PORT')}
        seen['dist_info'] = list(get_dist_info())
        Path(out_dir, 'mpi.json').write_text(json.dumps(seen))
    finally:
        dist.destroy_process_group()


def test_mpi_launcher_maps_open_mpi_environment_as_mmcv(tmp_path):
    mp.start_processes(_mpi_launcher_worker, args=(str(tmp_path / 'init'), str(tmp_path)),
                       nprocs=1, join=True, start_method='spawn')
    assert json.loads((tmp_path / 'mpi.json').read_text()) == {
        'RANK': '0', 'WORLD_SIZE': '1', 'MASTER_PORT': '29500', 'dist_info': [0, 1]}


@pytest.fixture
def clean_launch_env(monkeypatch):
    for name in ('RANK', 'MASTER_ADDR', 'OMPI_COMM_WORLD_LOCAL_RANK', 'OMPI_COMM_WORLD_SIZE',
                 'OMPI_COMM_WORLD_RANK', 'SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'):
        monkeypatch.delenv(name, raising=False)
    # init_dist sets the spawn start method as MMCV did; keep that out of this test process
    monkeypatch.setattr(mp, 'set_start_method', lambda method: None)
    return monkeypatch


def test_invalid_launcher_is_mmcvs_value_error_with_the_choices(clean_launch_env):
    with pytest.raises(ValueError, match='Invalid launcher type: ssh') as err:
        init_dist('ssh')
    assert isinstance(err.value, LauncherError) and err.value.key == 'launcher'
    assert "'pytorch', 'mpi', 'slurm'" in str(err.value)


@pytest.mark.parametrize('launcher,missing,fix', [
    ('pytorch', 'RANK', 'torchrun'),
    ('mpi', 'OMPI_COMM_WORLD_LOCAL_RANK, OMPI_COMM_WORLD_SIZE, OMPI_COMM_WORLD_RANK', 'mpirun'),
    ('slurm', 'SLURM_PROCID, SLURM_NTASKS, SLURM_NODELIST', 'srun'),
])
def test_launcher_outside_its_launch_tool_names_the_variables_and_the_fix(
        clean_launch_env, launcher, missing, fix):
    with pytest.raises(LauncherError) as err:
        init_dist(launcher)
    text = str(err.value)
    assert f'launcher={launcher!r}' in text and missing in text and fix in text
    assert not dist.is_initialized()


def test_mpi_without_master_addr_says_to_export_it(clean_launch_env):
    clean_launch_env.setenv('OMPI_COMM_WORLD_LOCAL_RANK', '0')
    clean_launch_env.setenv('OMPI_COMM_WORLD_SIZE', '1')
    clean_launch_env.setenv('OMPI_COMM_WORLD_RANK', '0')
    clean_launch_env.setenv('MASTER_PORT', '1234')
    with pytest.raises(LauncherError, match='MASTER_ADDR') as err:
        init_dist('mpi')
    assert 'export MASTER_ADDR' in str(err.value)


def test_slurm_without_scontrol_or_master_addr_says_what_to_export(clean_launch_env):
    clean_launch_env.setenv('SLURM_PROCID', '0')
    clean_launch_env.setenv('SLURM_NTASKS', '1')
    clean_launch_env.setenv('SLURM_NODELIST', 'node[1-2]')
    clean_launch_env.setenv('MASTER_PORT', '1234')  # restored after the test
    clean_launch_env.setattr('compat.runner.dist_utils.shutil.which', lambda name: None)
    with pytest.raises(LauncherError, match='scontrol') as err:
        init_dist('slurm')
    assert 'export MASTER_ADDR' in str(err.value)
