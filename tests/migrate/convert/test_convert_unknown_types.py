"""A tree whose bases use a project's own lr policy and a runner type that nobody models: the
policy becomes the scheduler class HK007 ports its hook to and the runner stays as written,
each with a ``# migrate[RULE]`` marker and a manual finding, everything else converts (the
leaves too), the run exits 0 (manual decisions are no error), and converting the output again
changes nothing."""
import json

from click.testing import CliRunner

from migrate.cli import main

POLICY_MARKER = ("# migrate[MIG100]: policy 'MyWarmRestart' is the project's own "
                 'MyWarmRestartLrUpdaterHook')
RUNNER_MARKER = "# migrate[MIG010]: unknown runner type 'MyEpochRunner' left as written"

TREE = {
    '_base_/schedule_unknown_policy.py': (
        "optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=0.0001)\n"
        "optimizer_config = dict(grad_clip=None)\n"
        "lr_config = dict(policy='MyWarmRestart', periods=[30, 60], by_epoch=True)\n"
        "runner = dict(type='EpochBasedRunner', max_epochs=90)\n"),
    '_base_/runtime_unknown_runner.py': (
        "runner = dict(type='MyEpochRunner')\n"
        "checkpoint_config = dict(interval=1)\n"
        "log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])\n"),
    'policy_leaf.py': (
        "_base_ = ['./_base_/schedule_unknown_policy.py']\n"
        "model = dict(type='ImageClassifier')\n"
        "optimizer = dict(lr=0.2)\n"),
    'runner_leaf.py': (
        "_base_ = ['./_base_/runtime_unknown_runner.py']\n"
        "model = dict(type='FasterRCNN')\n"
        "checkpoint_config = dict(interval=2)\n"),
}


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _convert(src, dst, report):
    result = CliRunner().invoke(main, ['convert', str(src), '-o', str(dst), '--report',
                                       str(report), '-q'])
    with open(report) as f:
        entries = {e['file']: e for e in json.load(f)['files']}
    return result, entries


def _manual(entry):
    return [(f['rule'], f['key'], f['kind']) for f in entry['findings']
            if f['severity'] == 'manual']


def test_unknown_policy_and_runner_stay_marked_and_the_rest_converts(tmp_path):
    src, out = tmp_path / 'legacy', tmp_path / 'out'
    _write(src, TREE)
    result, report = _convert(src, out, tmp_path / 'report.json')
    assert result.exit_code == 0, result.output
    assert all(e['errors'] == [] for e in report.values()), report

    policy_base = (out / '_base_/schedule_unknown_policy.py').read_text()
    assert POLICY_MARKER in policy_base
    assert policy_base.index(POLICY_MARKER) < policy_base.index(
        "dict(type='MyWarmRestartLR', periods=[30, 60], by_epoch=True),\n")
    # the rest of that base converts
    for new in ('optim_wrapper = dict(', "train_cfg = dict(type='EpochBasedTrainLoop', "
                                         'max_epochs=90)'):
        assert new in policy_base
    for old in ('optimizer = ', 'optimizer_config = ', 'runner = ', 'lr_config = '):
        assert old not in policy_base
    assert _manual(report['_base_/schedule_unknown_policy.py']) == [
        ('MIG100', 'lr_config', 'custom-policy')]

    runner_base = (out / '_base_/runtime_unknown_runner.py').read_text()
    assert RUNNER_MARKER in runner_base
    assert "runner = dict(type='MyEpochRunner')\n" in runner_base
    assert 'train_cfg = ' not in runner_base
    for new in ("default_hooks = dict(", "type='CheckpointHook', interval=1",
                "type='LoggerHook', interval=50"):
        assert new in runner_base
    assert 'checkpoint_config' not in runner_base and 'log_config' not in runner_base
    assert _manual(report['_base_/runtime_unknown_runner.py']) == [
        ('MIG010', 'runner', 'unknown-runner')]

    # the leaves built on them still convert (their own keys), with no marker of their own
    policy_leaf = (out / 'policy_leaf.py').read_text()
    assert 'optim_wrapper = dict(optimizer=dict(lr=0.2))' in policy_leaf
    assert 'migrate[' not in policy_leaf and 'lr_config' not in policy_leaf
    runner_leaf = (out / 'runner_leaf.py').read_text()
    assert "default_hooks = dict(checkpoint=dict(interval=2))" in runner_leaf
    assert 'checkpoint_config' not in runner_leaf and 'migrate[' not in runner_leaf
    for leaf in ('policy_leaf.py', 'runner_leaf.py'):
        assert report[leaf]['changed'] and report[leaf]['errors'] == []

    # the summary counts the two manual decisions
    assert report and sum(len(_manual(e)) for e in report.values()) == 2


def test_converting_the_output_again_changes_nothing(tmp_path):
    src, out, again = tmp_path / 'legacy', tmp_path / 'out', tmp_path / 'again'
    _write(src, TREE)
    first, _ = _convert(src, out, tmp_path / 'r1.json')
    assert first.exit_code == 0, first.output
    second, report = _convert(out, again, tmp_path / 'r2.json')
    assert second.exit_code == 0, second.output
    for name in TREE:
        assert (again / name).read_text() == (out / name).read_text(), name
        entry = report[name]
        assert not entry['changed'] and entry['findings'] == [] and entry['errors'] == [], name
    check = CliRunner().invoke(main, ['convert', str(out), '--check', '-q'])
    assert check.exit_code == 0, check.output


def test_a_file_whose_only_legacy_key_is_left_as_written_says_so(tmp_path):
    """Nothing converts, but MMEngine would silently ignore the key: the file gets a marker and
    the report a manual decision; the marked file converts again to itself, exit 0."""
    from migrate.convert.driver import ConvertOptions, run_convert
    cfg = tmp_path / 'cfg.py'
    # (a custom optimizer_config type converts now: MIG002 names the wrapper HK008 ports to)
    cfg.write_text("runner = dict(type='MyEpochRunner')\n")
    out = tmp_path / 'out.py'
    run = run_convert(str(cfg), ConvertOptions(output=str(out), progress=False),
                      echo=lambda s: None)
    (result,) = run.results
    assert not result.error_messages
    assert [(f.severity, f.rule) for f in result.findings] == [('manual', 'MIG010')]
    text = out.read_text()
    assert text.startswith(RUNNER_MARKER)
    again = run_convert(str(out), ConvertOptions(check=True, progress=False),
                        echo=lambda s: None)
    (second,) = again.results
    assert not second.changed and not second.error_messages


def test_a_legacy_key_left_without_any_finding_is_an_error(tmp_path):
    """The meaning check still runs on a file with nothing to convert that holds a legacy
    key: no silent exit 0 (here a dropped-keys rule is deselected, so nothing reports it)."""
    from migrate.convert.driver import ConvertOptions, run_convert
    from migrate.rules import RULES
    cfg = tmp_path / 'cfg.py'
    cfg.write_text("optimizer_config = dict(type='MyOptimizerHook', foo=1)\n")
    rules = [r for r in RULES if r.id != 'MIG002']
    run = run_convert(str(cfg), ConvertOptions(check=True, progress=False, rules=rules),
                      echo=lambda s: None)
    (result,) = run.results
    assert any('legacy key left behind' in e and 'optimizer_config' in e
               for e in result.error_messages)
