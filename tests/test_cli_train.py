"""`migrate train` on a shipped new-style config trains, validates, logs and checkpoints."""
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
CFG = os.path.join(ROOT, 'fixtures', 'configs', 'engine', 'toy_sgd_warmup_multistep.py')


def run_train(*args):
    return subprocess.run([sys.executable, '-m', 'migrate.cli', 'train', *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_migrate_train_trains_validates_and_logs(tmp_path):
    work_dir = tmp_path / 'wd'
    proc = run_train(CFG, '--work-dir', str(work_dir), '--cfg-options', 'train_cfg.max_epochs=2')
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = proc.stdout
    assert 'Epoch(train) [1][4/8]' in out and 'Epoch(train) [2][8/8]' in out
    assert 'Epoch(val) [2][4/4]    accuracy/top1:' in out  # MMEngine's spacing
    # max_keep_ckpts=2 in the config: both epochs kept, pointer to the last one
    assert sorted(p.name for p in work_dir.glob('epoch_*.pth')) == ['epoch_1.pth', 'epoch_2.pth']
    assert (work_dir / 'last_checkpoint').read_text().endswith('epoch_2.pth')
    log_dirs = [d for d in work_dir.iterdir() if d.is_dir()]
    assert len(log_dirs) == 1
    records = [json.loads(line) for line in
               (log_dirs[0] / 'vis_data' / 'scalars.json').read_text().splitlines()]
    train = [r for r in records if 'lr' in r]
    val = [r for r in records if 'accuracy/top1' in r]
    assert [r['step'] for r in train] == [4, 8, 12, 16]
    assert all({'loss', 'lr', 'epoch', 'iter'} <= set(r) for r in train)
    assert [r['step'] for r in val] == [1, 2]
    assert (log_dirs[0] / f'{log_dirs[0].name}.log').read_text().count('Epoch(train)') == 4
    assert (log_dirs[0] / 'vis_data' / 'config.py').is_file()


def test_migrate_train_resume_continues_from_last_checkpoint(tmp_path):
    work_dir = tmp_path / 'wd'
    first = run_train(CFG, '--work-dir', str(work_dir), '--cfg-options', 'train_cfg.max_epochs=2')
    assert first.returncode == 0, first.stderr
    second = run_train(CFG, '--work-dir', str(work_dir), '--resume',
                       '--cfg-options', 'train_cfg.max_epochs=3')
    assert second.returncode == 0, second.stderr + second.stdout
    assert 'resumed from' in second.stdout and 'epoch 2' in second.stdout
    assert 'Epoch(train) [1]' not in second.stdout
    assert 'Epoch(train) [3][8/8]' in second.stdout
    assert (work_dir / 'epoch_3.pth').is_file()


def test_migrate_train_help_lists_options():
    proc = subprocess.run([sys.executable, '-m', 'migrate.cli', 'train', '--help'],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0
    for opt in ('--work-dir', '--resume', '--cfg-options', '--launcher', '--unsafe-load'):
        assert opt in proc.stdout
