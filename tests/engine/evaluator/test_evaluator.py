"""BaseMetric / Evaluator / build_evaluator behaviour."""
import logging

import pytest
import torch

from engine.errors import BuildError, ConfigError
from engine.evaluator import Accuracy, BaseMetric, Evaluator, build_evaluator
from engine.registry import EVALUATOR, METRICS


@METRICS.register_module(force=True)
class DataEvalCountMetric(BaseMetric):
    """Records what it is given; reports the count and the sum of ``value``."""

    default_prefix = 'count'

    def __init__(self, prefix=None, key='n'):
        super().__init__(prefix=prefix)
        self.key = key
        self.batches = []
        self.seen_results = None

    def process(self, data_batch, data_samples):
        self.batches.append(data_batch)
        self.results.extend(s['value'] for s in data_samples)

    def compute_metrics(self, results):
        self.seen_results = list(results)
        return {self.key: len(results), 'sum': sum(results)}


def samples(*values):
    return [dict(value=v) for v in values]


def test_registered():
    assert EVALUATOR.get('Evaluator') is Evaluator
    assert METRICS.get('Accuracy') is Accuracy


def test_metric_prefixes_cuts_to_size_and_clears():
    metric = DataEvalCountMetric()
    metric.process(None, samples(1, 2, 3, 4))
    # size 3: the 4th result is sampler padding and is dropped
    assert metric.evaluate(3) == {'count/n': 3, 'count/sum': 6}
    assert metric.seen_results == [1, 2, 3]
    assert metric.results == []


def test_metric_moves_tensors_to_cpu_before_compute():
    metric = DataEvalCountMetric()
    metric.results.append(dict(t=torch.zeros(1)))
    metric.compute_metrics = lambda results: {'dev': results[0]['t'].device.type}
    assert metric.evaluate(1) == {'count/dev': 'cpu'}


class DataEvalUnprefixed(DataEvalCountMetric):
    default_prefix = None


def test_no_prefix_logs_a_warning_and_keeps_plain_keys(caplog):
    with caplog.at_level(logging.WARNING):
        metric = DataEvalUnprefixed()
    assert 'DataEvalUnprefixed has no prefix' in caplog.text
    metric.results.append(1)
    assert metric.evaluate(1) == {'n': 1, 'sum': 1}


def test_empty_results_warn_clearly():
    metric = DataEvalCountMetric()
    with pytest.warns(UserWarning, match=r'DataEvalCountMetric got empty `self.results`'):
        assert metric.evaluate(0) == {'count/n': 0, 'count/sum': 0}


def test_bad_collect_device():
    with pytest.raises(ValueError, match='collect_device'):
        Accuracy(collect_device='tpu')


def test_evaluator_merges_metrics_and_passes_batch_and_meta():
    first = DataEvalCountMetric()
    ev = Evaluator([first, dict(type='DataEvalCountMetric', prefix='other', key='m')])
    ev.dataset_meta = dict(classes=('a', 'b'))
    assert all(m.dataset_meta == dict(classes=('a', 'b')) for m in ev.metrics)
    ev.process(samples(1, 2), data_batch='batch0')
    ev.process(samples(5), data_batch='batch1')
    assert first.batches == ['batch0', 'batch1']
    assert ev.evaluate(3) == {'count/n': 3, 'count/sum': 8, 'other/m': 3, 'other/sum': 8}


def test_evaluator_rejects_duplicate_keys():
    ev = Evaluator([DataEvalCountMetric(), DataEvalCountMetric()])
    ev.process(samples(1))
    with pytest.raises(ValueError, match=r"'count/n'.*different prefixes"):
        ev.evaluate(1)


def test_evaluator_converts_data_elements_to_dicts():
    class Sample:
        def to_dict(self):
            return dict(value=7)

    ev = Evaluator(DataEvalCountMetric())
    ev.process([Sample(), dict(value=1)])
    assert ev.evaluate(2) == {'count/n': 2, 'count/sum': 8}


def test_offline_evaluate_in_chunks():
    metric = DataEvalCountMetric()
    ev = Evaluator(metric)
    data = [dict(x=i) for i in range(5)]
    assert ev.offline_evaluate(samples(*range(5)), data, chunk_size=2) == {
        'count/n': 5, 'count/sum': 10}
    # each chunk of inputs arrives pseudo-collated, the last one short
    assert metric.batches == [dict(x=[0, 1]), dict(x=[2, 3]), dict(x=[4])]
    with pytest.raises(ValueError, match='same length'):
        ev.offline_evaluate(samples(1, 2), [dict(x=1)])


def test_build_evaluator_accepts_mmengine_forms():
    ev = Evaluator(DataEvalCountMetric())
    assert build_evaluator(ev) is ev
    assert isinstance(build_evaluator(dict(type='Accuracy', topk=(1, 5))).metrics[0], Accuracy)
    built = build_evaluator([dict(type='Accuracy'), DataEvalCountMetric()])
    assert [type(m) for m in built.metrics] == [Accuracy, DataEvalCountMetric]
    built = build_evaluator(dict(metrics=[dict(type='DataEvalCountMetric')]))
    assert type(built) is Evaluator and isinstance(built.metrics[0], DataEvalCountMetric)


@pytest.mark.parametrize('cfg, key', [
    (dict(type='Acuracy'), 'val_evaluator.type'),
    (dict(type='Accuracy', topkk=1), 'val_evaluator.topkk'),
    ([dict(type='Accuracy'), dict(type='Nope')], 'val_evaluator.metrics[1].type'),
    (dict(metrics=dict(type='Nope')), 'val_evaluator.metrics.type'),
    (dict(type='NoEvaluator', metrics=[]), 'val_evaluator.type'),
])
def test_build_evaluator_errors_name_the_key(cfg, key):
    with pytest.raises(BuildError) as info:
        build_evaluator(cfg)
    assert info.value.key == key
    assert info.value.fix


def test_build_evaluator_error_uses_given_key_and_type_check():
    with pytest.raises(BuildError) as info:
        build_evaluator(dict(type='Acuracy'), key='test_evaluator')
    assert info.value.key == 'test_evaluator.type' and "did you mean 'Accuracy'" in str(info.value)
    with pytest.raises(ConfigError, match='must be a dict, a list or an Evaluator'):
        build_evaluator(3)
