"""LogProcessor options beyond the MMEngine goldens: epoch/global windows at the top level,
custom_cfg statistics on a known history, and configuration errors."""
import pytest

from engine.logging import LogProcessor
from engine.runtime.message_hub import MessageHub

LOSSES = [5.0, 1.0, 2.0, 3.0, 4.0, 6.0]  # iterations 1..6; 4..6 are epoch 2 (3 per epoch)


class Runner:
    def __init__(self):
        self.message_hub = MessageHub()
        for i, loss in enumerate(LOSSES):
            self.message_hub.update_scalar('train/loss', loss)
            self.message_hub.update_scalar('train/lr', 0.1 * (i + 1))
            self.message_hub.update_scalar('train/acc', 10.0 * loss)

        class Loop:
            dataloader = [0, 1, 2]
            max_epochs, max_iters = 2, 6

        self.train_loop = Loop()
        self.val_loop = self.test_loop = None
        self.max_epochs, self.max_iters = 2, 6
        self.epoch, self.iter = 1, 5  # last iteration of epoch 2 (0-based counters)
        self.model = None


@pytest.mark.parametrize('window, expected', [
    (2, (4.0 + 6.0) / 2),
    ('epoch', (3.0 + 4.0 + 6.0) / 3),    # batch_idx 2: the three iterations of epoch 2
    ('global', sum(LOSSES) / 6),          # runner.iter + 1 = 6 iterations
    (100, sum(LOSSES) / 6),
])
def test_top_level_window_sizes(window, expected):
    tag, line = LogProcessor(window_size=window).get_log_after_iter(Runner(), 2, 'train')
    assert tag['loss'] == pytest.approx(expected)
    assert f'loss: {expected:.4f}' in line
    assert tag['acc'] == 60.0       # not matching mean_pattern: the latest value
    assert tag['lr'] == pytest.approx(0.6) and 'lr: 6.0000e-01' in line


def test_custom_cfg_statistics_and_log_names():
    custom = [dict(data_src='loss', method_name='max', window_size='epoch', log_name='loss_max'),
              dict(data_src='loss', method_name='min', window_size=4, log_name='loss_min'),
              dict(data_src='loss', method_name='current', log_name='loss_now'),
              dict(data_src='acc', method_name='mean', window_size='global')]
    tag, line = LogProcessor(window_size=3, custom_cfg=custom).get_log_after_iter(
        Runner(), 2, 'train')
    assert tag['loss'] == pytest.approx(13.0 / 3)
    assert (tag['loss_max'], tag['loss_min'], tag['loss_now']) == (6.0, 2.0, 6.0)
    assert tag['acc'] == pytest.approx(10.0 * sum(LOSSES) / 6)  # replaced in place
    assert line.endswith('loss: 4.3333  acc: 35.0000  loss_max: 6.0000  loss_min: 2.0000  '
                         'loss_now: 6.0000')
    assert line.startswith('Epoch(train) [2][3/3]  lr: 6.0000e-01  loss:')


def test_by_iteration_header_and_digits():
    tag, line = LogProcessor(by_epoch=False, num_digits=2).get_log_after_iter(
        Runner(), 2, 'train')
    assert line.startswith('Iter(train) [6/6]  lr: 6.00e-01  loss: 3.50')
    assert 'epoch' not in tag and tag['iter'] == 6


@pytest.mark.parametrize('kwargs, error, match', [
    (dict(custom_cfg=[dict(method_name='mean')]), ValueError, 'data_src'),
    (dict(custom_cfg=[dict(data_src='loss', method_name='median')]), ValueError, 'median'),
    (dict(custom_cfg=[dict(data_src='loss', window_size=5),
                      dict(data_src='loss', window_size=9)]), ValueError, 'second time'),
    (dict(by_epoch=False, custom_cfg=[dict(data_src='loss', window_size='epoch')]), ValueError,
     'by_epoch'),
    (dict(window_size='epochs'), TypeError, 'window_size'),
    (dict(custom_cfg=[dict(data_src='loss', window_size=2.5)]), TypeError, r'custom_cfg\[0\]'),
])
def test_bad_settings_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        LogProcessor(**kwargs)


def test_wrong_modes_are_refused():
    lp = LogProcessor()
    with pytest.raises(ValueError, match='mode'):
        lp.get_log_after_iter(Runner(), 0, 'predict')
    with pytest.raises(ValueError, match="'val' or 'test'"):
        lp.get_log_after_epoch(Runner(), 0, 'train')
