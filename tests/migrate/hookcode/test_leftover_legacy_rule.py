"""HK012 (what still needs MMCV 1.x after the other rules, marked at its line) and HK011
(a LoggerHook subclass, left marked): exact-string golden pairs, no-op cases, findings."""
import pytest

from migrate.hookcode.convert import convert_hook_text


def _convert(text, target='mmengine'):
    out = convert_hook_text(text, target)
    return out.text_out, [(f.rule, f.severity, f.key) for f in out.findings]


NESTED = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class RankHook(Hook):

    def before_run(self, runner):
        from mmcv.runner import get_dist_info, wrap_fp16_model
        self.rank = get_dist_info()[0]
        wrap_fp16_model(runner.model)
'''


def test_a_legacy_import_no_rule_rewrote_is_marked_with_its_new_home_or_no_counterpart():
    text, findings = _convert(NESTED)
    # get_dist_info has a new home (HK001 rewrites the nested import), wrap_fp16_model none
    # (HK006 moves a before_run that uses the model to before_train)
    assert '''    def before_train(self, runner):
        # migrate[HK012]: wrap_fp16_model is still imported from mmcv.runner, which MMCV
        #   2.x does not have and MMCV 1.x cannot be installed beside MMEngine: no
        #   counterpart is known for mmengine; replace its uses
        from mmcv.runner import wrap_fp16_model
        from mmengine.dist import get_dist_info
''' in text
    assert [f for f in findings if f[0] == 'HK012'] == [('HK012', 'manual', 'wrap_fp16_model')]


@pytest.mark.parametrize('target, fix', [
    ('mmengine', 'mmengine.utils.is_list_of'),
    ('engine', 'isinstance(seq, list) and all(isinstance(x, T) for x in seq)'),
])
def test_a_removed_top_level_mmcv_helper_is_marked_with_the_target_replacement(target, fix):
    text = ('import mmcv\nfrom mmcv.runner import HOOKS, Hook\n\n\n@HOOKS.register_module()\n'
            'class CheckHook(Hook):\n\n    def before_run(self, runner):\n'
            '        assert mmcv.is_list_of(self.keys, str)\n'
            '        img = mmcv.imread(self.path)\n')
    out, findings = _convert(text, target)
    assert '        # migrate[HK012]: mmcv.is_list_of was removed in MMCV 2.x: use' in out
    assert fix.split()[0] in out
    assert '        img = mmcv.imread(self.path)\n' in out   # MMCV 2.x still has it
    assert [f for f in findings if f[0] == 'HK012'] == [('HK012', 'manual', 'mmcv.is_list_of')]
    # converting again changes nothing and says nothing
    again = convert_hook_text(out, target)
    assert again.text_out == out and again.findings == []


def test_a_logger_hook_subclass_is_marked_and_its_base_not_reported_twice():
    text = ('from mmcv.runner import HOOKS, TextLoggerHook\n\n\n@HOOKS.register_module()\n'
            'class QuietTextLoggerHook(TextLoggerHook):\n\n    def log(self, runner):\n'
            '        if runner.rank == 0:\n            super().log(runner)\n')
    out, findings = _convert(text, 'engine')
    assert out.startswith('from mmcv.runner import TextLoggerHook\nfrom engine.registry import '
                          'HOOKS\n\n\n# migrate[HK011]: QuietTextLoggerHook subclasses '
                          'TextLoggerHook (log):\n#   MMEngine\'s')
    assert ('HK011', 'manual', 'QuietTextLoggerHook') in findings
    assert not [f for f in findings if f[0] == 'HK012']
    again = convert_hook_text(out, 'engine')
    assert again.text_out == out and again.findings == []


def test_nothing_left_to_say_is_a_no_op():
    text = ('import mmcv\nfrom mmengine.hooks import Hook\n\n\nclass A(Hook):\n\n'
            '    def before_train(self, runner):\n        self.img = mmcv.imread(self.path)\n')
    out = convert_hook_text(text, 'mmengine')
    assert out.text_out == text and out.findings == []


def test_a_marker_on_the_first_statement_is_said_once():
    # libcst holds the comments above a module's first statement in the module header
    text = ('from mmcv.runner import wrap_fp16_model\nfrom mmcv.runner import HOOKS, Hook\n\n\n'
            '@HOOKS.register_module()\nclass Fp16Hook(Hook):\n\n'
            '    def before_run(self, runner):\n        wrap_fp16_model(runner.model)\n')
    out, findings = _convert(text)
    assert out.startswith('# migrate[HK012]: wrap_fp16_model is still imported from '
                          'mmcv.runner')
    assert out.count('# migrate[HK012]') == 1
    assert findings.count(('HK012', 'manual', 'wrap_fp16_model')) == 1
    again = convert_hook_text(out)
    assert again.text_out == out and again.findings == []


def test_a_use_the_import_rule_marked_already_is_not_marked_twice():
    text = ('import mmcv.runner\nfrom mmcv.runner import HOOKS, Hook\n\n\n'
            '@HOOKS.register_module()\nclass SaveHook(Hook):\n\n'
            '    def after_train_epoch(self, runner):\n'
            "        mmcv.runner.save_checkpoint(runner.model, 'x.pth')\n")
    out, findings = _convert(text)
    assert ('HK001', 'manual', 'mmcv.runner.save_checkpoint') in findings
    assert 'HK012' not in out and not [f for f in findings if f[0] == 'HK012']


def test_a_removed_helper_imported_from_mmcv_itself_is_marked():
    text = ('from mmcv import Config, imread, print_log\nfrom mmcv.runner import HOOKS, Hook\n\n\n'
            '@HOOKS.register_module()\nclass LogHook(Hook):\n\n'
            '    def before_run(self, runner):\n'
            "        print_log(Config.fromfile('a.py').pretty_text, 'mmgen')\n"
            '        self.img = imread(self.path)\n')
    out, findings = _convert(text)
    assert [f for f in findings if f[0] == 'HK012'] == [('HK012', 'manual', 'mmcv.Config'),
                                                       ('HK012', 'manual', 'mmcv.print_log')]
    assert "# migrate[HK012]: from mmcv import print_log: removed in MMCV 2.x: use" in out
    assert "logger='current'" in out
    again = convert_hook_text(out)
    assert again.text_out == out and again.findings == []
