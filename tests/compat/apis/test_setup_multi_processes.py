"""compat.apis.environment: MMDet 2.x's setup_multi_processes."""
import os
import warnings

import torch.multiprocessing as mp

from compat.apis.environment import setup_multi_processes
from compat.utils.config import Config


def test_start_method_and_thread_variables(monkeypatch):
    before = mp.get_start_method(allow_none=True)
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    monkeypatch.delenv('MKL_NUM_THREADS', raising=False)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            setup_multi_processes(Config(dict(mp_start_method='spawn',
                                              data=dict(workers_per_gpu=2))))
        assert mp.get_start_method() == 'spawn'
        assert os.environ['OMP_NUM_THREADS'] == os.environ['MKL_NUM_THREADS'] == '1'
        assert sum('environment variable for each process' in str(w.message)
                   for w in caught) == 2
    finally:
        mp.set_start_method(before, force=True)


def test_one_worker_leaves_the_thread_variables_alone(monkeypatch):
    before = mp.get_start_method(allow_none=True)
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    try:
        setup_multi_processes(Config(dict(data=dict(workers_per_gpu=0,
                                                    train_dataloader=dict(workers_per_gpu=1)))))
        assert 'OMP_NUM_THREADS' not in os.environ
        assert mp.get_start_method() == 'fork'
    finally:
        mp.set_start_method(before, force=True)
