"""`migrate verify --schedule-only`: both sides, the table, JSON, plot and exit status; and
agreement with the recorded goldens on both sides (MMCV for the legacy side, MMEngine for the
converted side)."""
import gzip
import json
import math
import os

import pytest
from click.testing import CliRunner

from migrate.cli import main

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CASES = os.path.join(REPO, 'fixtures', 'rule_cases')
LEGACY = os.path.join(REPO, 'fixtures', 'legacy')
EXACT_CFG = os.path.join(CASES, 'MIG100', 'step_linear_warmup', 'input.py')
APPROX_CFG = os.path.join(CASES, 'MIG100', 'warmup_by_epoch_approximated', 'input.py')


def run(*args):
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, [str(a) for a in args])


def test_exact_conversion_exits_0_with_a_table(tmp_path):
    res = run('verify', EXACT_CFG, '--schedule-only', '--epoch-len', 60,
              '--json', tmp_path / 'v.json')
    assert res.exit_code == 0, res.output
    assert 'SAME: 720 iterations' in res.stdout
    assert 'legacy lr' in res.stdout and 'converted lr' in res.stdout
    data = json.loads((tmp_path / 'v.json').read_text())
    assert len(data['legacy']['lr']) == len(data['converted']['lr']) == 720
    assert data['equal'] and data['first_divergence'] is None
    assert data['legacy']['lr'][0] == pytest.approx(0.02 * 0.001)


def test_approximation_diverges_exit_1_and_engine_target_is_exact(tmp_path):
    # Without --epoch-len the converter cannot know the warmup length in iterations.
    res = run('verify', APPROX_CFG, '--schedule-only',
              '--plot', tmp_path / 'p.png', '--json', tmp_path / 'v.json')
    assert res.exit_code == 1
    assert 'DIFFERENT: first divergence at iteration' in res.stdout
    assert '<- differs' in res.stdout
    assert (tmp_path / 'p.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    data = json.loads((tmp_path / 'v.json').read_text())
    assert not data['equal'] and data['max_rel_deviation'] > 1e-12
    for extra in (['--epoch-len', 20], ['--target', 'engine']):
        res = run('verify', APPROX_CFG, '--schedule-only', *extra)
        assert res.exit_code == 0, res.output


def test_epoch_len_assumption_is_stated():
    res = run('verify', EXACT_CFG, '--schedule-only')
    assert 'epoch length assumed 100' in res.stdout


def test_needs_schedule_only_and_a_runner(tmp_path):
    res = run('verify', EXACT_CFG)
    assert res.exit_code == 2 and '--schedule-only' in res.stderr
    cfg = tmp_path / 'no_runner.py'
    cfg.write_text("optimizer = dict(type='SGD', lr=0.1)\nlr_config = dict(policy='fixed')\n")
    res = run('verify', cfg, '--schedule-only')
    assert res.exit_code == 2 and 'runner' in res.stderr


def _golden(kind, leaf):
    base = os.path.join(REPO, 'fixtures', 'goldens', kind, leaf.replace('/', '__')[:-3] + '.json')
    if os.path.exists(base + '.gz'):
        with gzip.open(base + '.gz', 'rt') as f:
            return json.load(f)
    with open(base) as f:
        return json.load(f)


@pytest.mark.parametrize('leaf', ['mmdet/faster_rcnn/faster_rcnn_r50_fpn_1x_coco.py',
                                  'mmseg/pspnet/pspnet_r50-d8_512x1024_40k_cityscapes.py',
                                  'misc/mmdet3d/pointpillars_hv_secfpn_6x8_160e_kitti-3d-car.py'])
def test_verify_agrees_with_goldens_on_both_sides(leaf, tmp_path):
    with open(os.path.join(LEGACY, 'manifest.json')) as f:
        epoch_len = json.load(f)[leaf]['epoch_len']
    res = run('verify', os.path.join(LEGACY, leaf), '--schedule-only', '--epoch-len', epoch_len,
              '--json', tmp_path / 'v.json')
    data = json.loads((tmp_path / 'v.json').read_text())
    mmcv, mmengine = _golden('legacy_fixtures', leaf), _golden('converted_fixtures', leaf)
    for ours, real in ((data['legacy'], mmcv), (data['converted'], mmengine)):
        assert ours['lr'] == pytest.approx([row[0] for row in real['lr']], rel=1e-12, abs=0)
        if real['momentum'] and ours['momentum']:
            assert ours['momentum'] == pytest.approx([row[0] for row in real['momentum']],
                                                     rel=1e-12, abs=0)
    assert res.exit_code == (0 if data['equal'] else 1)


def test_difference_names_the_approximation_suggests_engine_and_prints_the_plot(tmp_path):
    plot = tmp_path / 'p.png'
    res = run('verify', APPROX_CFG, '--schedule-only', '--plot', plot)
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    approx = [line for line in lines if line.startswith('approximation reported')]
    assert len(approx) == 1
    assert '[MIG100] lr_config (warmup-by-epoch-needs-epoch-len); measured max rel. deviation ' \
           '0.002' in approx[0]
    assert lines[-2] == ('hint: --target engine is exact here (engine-only schedulers give '
                         f'SAME); run migrate verify {APPROX_CFG} --schedule-only --target engine')
    assert lines[-1] == f'plot: {plot}'
    same = run('verify', EXACT_CFG, '--schedule-only', '--plot', plot)
    assert same.exit_code == 0 and same.stdout.splitlines()[-1] == f'plot: {plot}'
    assert 'approximation' not in same.stdout and 'hint' not in same.stdout


def test_a_converted_config_is_refused_with_its_own_message(tmp_path):
    converted = tmp_path / 'converted.py'
    assert run('convert', EXACT_CFG, '-o', converted, '-q').exit_code == 0
    res = run('verify', converted, '--schedule-only')
    assert res.exit_code == 2
    assert 'new-style (MMEngine) config already' in res.stderr
    assert 'pass the legacy config it was converted from' in res.stderr
    assert 'runner' not in res.stderr.split('fix:')[0].split('legacy keys')[0]


def test_a_value_that_cannot_be_computed_statically_is_named(tmp_path):
    cfg = tmp_path / 'dynamic.py'
    cfg.write_text("from my_project import steps\n"
                   "optimizer = dict(type='SGD', lr=0.1, momentum=0.9)\n"
                   "lr_config = dict(policy='step', step=steps(12))\n"
                   "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")
    res = run('verify', cfg, '--schedule-only')
    assert res.exit_code == 2
    assert f"{cfg}: key 'lr_config.step': the legacy value cannot be computed statically: " \
           "steps(12)" in res.stderr
    assert 'Traceback' not in res.stderr and isinstance(res.exception, SystemExit)
    cfg.write_text("optimizer = dict(type='SGD', lr='0.1', momentum=0.9)\n"
                   "lr_config = dict(policy='fixed')\n"
                   "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")
    res = run('verify', cfg, '--schedule-only')
    assert res.exit_code == 2
    assert f"{cfg}: key 'optimizer.lr': optimizer.lr is '0.1', not a number" in res.stderr


def test_paramwise_groups_are_all_compared_and_the_header_says_which_is_shown(tmp_path):
    cfg = tmp_path / 'paramwise.py'
    cfg.write_text("optimizer = dict(type='SGD', lr=0.02, momentum=0.9,\n"
                   "                 paramwise_cfg=dict(custom_keys={'backbone': "
                   "dict(lr_mult=0.1)}))\n"
                   "lr_config = dict(policy='CosineAnnealing', min_lr=1e-4, warmup='linear',\n"
                   "                 warmup_iters=10, warmup_ratio=0.1)\n"
                   "runner = dict(type='EpochBasedRunner', max_epochs=3)\n")
    res = run('verify', cfg, '--schedule-only', '--epoch-len', 10, '--json', tmp_path / 'v.json')
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1] == (
        'param groups: 2 replayed and compared (one per paramwise_cfg lr multiplier); the lr '
        "columns show the group at optimizer.lr = 0.02 (lr_mult 1), not necessarily the model's "
        "first; the others: custom_keys['backbone'].lr_mult 0.1 (lr 0.002)")
    data = json.loads((tmp_path / 'v.json').read_text())
    backbone = [row[1] for row in data['legacy']['lr_groups']]
    assert backbone[0] == pytest.approx(0.002 * 0.1, rel=1e-12)   # warmup from 0.1 x lr
    # last epoch (2 of 3) of a cosine towards the absolute min_lr, from the group's own lr
    assert backbone[-1] == pytest.approx(1e-4 + (0.002 - 1e-4) * (1 + math.cos(math.pi * 2 / 3))
                                         / 2, rel=1e-12)
    for ours, theirs in zip(data['converted']['lr_groups'], data['legacy']['lr_groups']):
        assert ours == pytest.approx(theirs, rel=1e-12, abs=0)
    assert data['param_groups'][1] == {'label': "custom_keys['backbone'].lr_mult",
                                       'lr_mult': 0.1}


def test_downstream_paramwise_options_compare_the_base_group_and_say_so(tmp_path):
    # MMSelfSup 0.x regex form (mmselfsup/core/optimizer/constructor.py); the converter turns
    # it into custom_keys, which MMCV 1.7.2 itself never read from paramwise_options
    cfg = tmp_path / 'selfsup.py'
    cfg.write_text("optimizer = dict(type='SGD', lr=0.03, momentum=0.9, paramwise_options={\n"
                   "    '(bn|gn)(\\\\d+)?.(weight|bias)': dict(weight_decay=0., lr_mult=0.1)})\n"
                   "lr_config = dict(policy='step', step=[2])\n"
                   "runner = dict(type='EpochBasedRunner', max_epochs=3)\n")
    res = run('verify', cfg, '--schedule-only')
    assert res.exit_code == 0, res.output
    assert 'note: optimizer.paramwise_options belongs to a downstream optimizer constructor: ' \
           'only the group at optimizer.lr is compared' in res.stdout
