"""HK005 on the LogBuffer API beyond update(): val_history[key][-1] becomes the message hub's
current() in the train stages; clear/clear_output/average/ready/output/val_history/n_history,
which have no message-hub equivalent, stay as written under a marker that says what to write."""
import pytest

from migrate.hookcode import convert_hook_text
from migrate.hookcode.context import marker, wrapped
from migrate.hookcode.rules.log_buffer import _NO_EQUIVALENT, _WEIGHTED

HEAD = 'from mmcv.runner import Hook\n\n\nclass A(Hook):\n\n'
NEW_HEAD = {'mmengine': 'from mmengine.hooks import Hook\n\n\nclass A(Hook):\n\n',
            'engine': 'from engine.hooks import Hook\n\n\nclass A(Hook):\n\n'}
IT = 'batch_idx, data_batch=None, outputs=None'


def _convert(body, target='mmengine'):
    out = convert_hook_text(HEAD + body, target)
    assert out.text_out.startswith(NEW_HEAD[target])
    return out.text_out[len(NEW_HEAD[target]):], \
        [(f.severity, f.key, f.message) for f in out.findings if f.rule == 'HK005']


@pytest.mark.parametrize('target', ['mmengine', 'engine'])
def test_latest_value_is_the_hub_scalars_current(target):
    text, said = _convert('''    def after_train_iter(self, runner):
        a = runner.log_buffer.val_history['loss'][-1]
        b = {k: runner.log_buffer.val_history[k][-1] for k in self.keys}
        c = runner.log_buffer.val_history[self.key][-1]

    def after_train_epoch(self, runner):
        self.last = runner.log_buffer.val_history["acc"][-1]
''', target)
    assert text == f'''    def after_train_iter(self, runner, {IT}):
        a = runner.message_hub.get_scalar('train/loss').current()
        b = {{k: runner.message_hub.get_scalar(f'train/{{k}}').current() for k in self.keys}}
        c = runner.message_hub.get_scalar(f'train/{{self.key}}').current()

    def after_train_epoch(self, runner):
        self.last = runner.message_hub.get_scalar('train/acc').current()
'''
    assert [s for s, _, _ in said] == ['note', 'note']


def _marked(attr_message, code):
    return '\n'.join('        ' + line for line in wrapped(marker('HK005', attr_message))) + \
        '\n        ' + code + '\n'


@pytest.mark.parametrize('attr, code', [
    ('clear', 'runner.log_buffer.clear()'),
    ('clear_output', 'runner.log_buffer.clear_output()'),
    ('average', 'runner.log_buffer.average(self.interval)'),
    ('ready', 'x = runner.log_buffer.ready'),
    ('output', "x = runner.log_buffer.output['loss']"),
    ('val_history', "x = len(runner.log_buffer.val_history['loss'])"),
    ('val_history', "x = runner.log_buffer.val_history['loss'][-2]"),
    ('val_history', "x = runner.log_buffer.val_history['a' + k][-1]"),
    ('n_history', "x = sum(runner.log_buffer.n_history['loss'])"),
])
def test_no_equivalent_stays_marked(attr, code):
    text, said = _convert(f'    def after_train_iter(self, runner):\n        {code}\n')
    assert text == f'    def after_train_iter(self, runner, {IT}):\n' + \
        _marked(_NO_EQUIVALENT[attr], code)
    assert said == [('manual', 'A.after_train_iter', _NO_EQUIVALENT[attr])]


def test_val_stage_history_is_marked_not_converted():
    text, said = _convert("    def after_val_iter(self, runner):\n"
                          "        x = runner.log_buffer.val_history['loss'][-1]\n")
    assert "runner.log_buffer.val_history['loss'][-1]" in text
    assert said == [('manual', 'A.after_val_iter',
                     "runner.log_buffer.val_history outside the train stages held a workflow "
                     "val phase's losses: MMEngine's val loop records no losses; its metrics "
                     "arrive in after_val_epoch(metrics)")]


def test_a_count_other_than_one_is_an_approximation():
    text, said = _convert("    def after_train_iter(self, runner):\n"
                          "        runner.log_buffer.update({'t': 2.0}, n)\n"
                          "        runner.log_buffer.update({'u': 1.0}, 1)\n")
    weighted = _WEIGHTED.format(count='n', value='value')
    assert text == f'    def after_train_iter(self, runner, {IT}):\n' + \
        _marked(weighted, "runner.message_hub.update_scalar('train/t', 2.0, count=n)") + \
        "        runner.message_hub.update_scalar('train/u', 1.0, count=1)\n"
    assert ('approximation', 'A.after_train_iter', weighted) in said


def test_converted_again_is_a_no_op():
    legacy = ("    def after_train_iter(self, runner):\n"
              "        a = runner.log_buffer.val_history['loss'][-1]\n"
              "        runner.log_buffer.clear_output()\n")
    once = convert_hook_text(HEAD + legacy).text_out
    again = convert_hook_text(once)
    assert again.text_out == once and again.findings == []
