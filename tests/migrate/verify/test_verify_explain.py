"""What verify says beside its verdict: the converter's approximations (leaf first, each once),
the --target engine hint, and which param group the lr columns show."""
from migrate.convert.converter import FileResult
from migrate.rules.base import Finding
from migrate.verify.approximations import Approximation, reported_approximations
from migrate.verify.output import explain_difference, groups_header, render_report
from migrate.verify.param_groups import LrGroup
from migrate.verify.schedule import ScheduleComparison, Side


def _finding(message, severity='approximation', key='lr_config', rule='MIG100'):
    return Finding(rule, severity, key, message, kind='warmup-kind', deviation=0.25)


def test_schedule_approximations_nearest_file_first_once_per_rule_and_key():
    base, leaf = FileResult('/t/_base_/s.py'), FileResult('/t/leaf.py')
    base.findings = [_finding('measured on the base'), _finding('momentum', key='momentum_config'),
                     _finding('n', 'note', key='runner'),
                     _finding('ema', key='custom_hooks[0]', rule='MIG060')]
    leaf.findings = [_finding('measured on the leaf'), _finding('amp', key='fp16', rule='MIG003')]
    found = reported_approximations({base.path: base, leaf.path: leaf},
                                    ['/t/leaf.py', '/t/_base_/s.py'])
    assert [(a.file, a.message) for a in found] == [('/t/leaf.py', 'measured on the leaf'),
                                                    ('/t/_base_/s.py', 'momentum')]
    assert found[0].as_dict() == {'file': '/t/leaf.py', 'rule': 'MIG100', 'kind': 'warmup-kind',
                                  'key': 'lr_config', 'message': 'measured on the leaf',
                                  'deviation': 0.25}


def _comparison(converted_lr, **extra):
    legacy = [[0.1, 0.01], [0.1, 0.01]]
    c = ScheduleComparison(config='/t/leaf.py', target='mmengine', epoch_len=2,
                           epoch_len_assumed=False, epoch=[0, 0], iter=[0, 1],
                           legacy=Side(legacy, None), converted=Side(converted_lr, None),
                           base_lr=0.1, **extra)
    from migrate.verify.schedule import _compare
    _compare(c)
    return c


def test_a_difference_names_the_approximation_and_the_exact_target():
    approx = Approximation('/t/leaf.py', 'MIG100', 'warmup-kind', 'lr_config', 'closest form',
                           0.25)
    c = _comparison([[0.1, 0.01], [0.1, 0.02]], approximations=[approx],
                    engine_target_exact=True)
    lines = explain_difference(c, 'migrate verify leaf.py --schedule-only')
    assert lines == [
        'approximation reported by the converter: [MIG100] lr_config (warmup-kind); '
        'measured max rel. deviation 0.25: closest form',
        'hint: --target engine is exact here (engine-only schedulers give SAME); run '
        'migrate verify leaf.py --schedule-only --target engine']
    c.engine_target_exact = False
    assert not any('--target engine' in line for line in explain_difference(c))


def test_an_unreported_difference_is_called_unexpected_and_same_says_nothing_more():
    c = _comparison([[0.1, 0.01], [0.1, 0.02]])
    assert 'converter bug' in explain_difference(c)[0]
    assert explain_difference(_comparison([[0.1, 0.01], [0.1, 0.01]])) == []


def test_the_header_names_the_shown_group_and_a_difference_in_another_group_is_marked():
    groups = [LrGroup('optimizer.lr', 1.0), LrGroup("custom_keys['head'].lr_mult", 0.1)]
    c = _comparison([[0.1, 0.01], [0.1, 0.02]], groups=groups)
    header = groups_header(c)
    assert header.startswith('param groups: 2 replayed and compared')
    assert 'the lr columns show the group at optimizer.lr = 0.1' in header
    assert "custom_keys['head'].lr_mult 0.1 (lr 0.01)" in header
    report = render_report(c)
    assert header in report
    # the shown group is equal; the other group's difference still marks the row
    rows = report.splitlines()[4:6]
    assert not rows[0].endswith('FIRST') and rows[1].endswith('<- differs (0.5) FIRST')
    assert groups_header(_comparison([[0.1, 0.01], [0.1, 0.01]])) is None


def test_param_groups_that_differ_between_the_sides_are_a_difference():
    from migrate.verify.schedule import _compare_groups
    base, head = LrGroup('optimizer.lr', 1.0), LrGroup("custom_keys['head'].lr_mult", 0.1)
    c = _comparison([[0.1, 0.01], [0.1, 0.01]])
    _compare_groups(c, [base, head], [base, head])
    assert c.equal
    _compare_groups(c, [base, head], [base])
    assert not c.equal and c.first_divergence == 0
    assert c.notes == ['param groups differ: legacy lr multipliers [1.0, 0.1], converted [1.0]']
