"""The "did you mean" helper: only close names, never one of a very different length."""
import pytest

from engine.suggest import close_names, did_you_mean


@pytest.mark.parametrize('name, candidates, expected', [
    ('SDG', ['ASGD', 'Adam', 'SGD'], ['SGD']),                  # two letters swapped
    ('Geer', ['Gear', 'Cog'], ['Gear']),                        # one letter wrong
    ('gama', ['gamma', 'step'], ['gamma']),                     # one letter missing
    ('num_worker', ['num_workers', 'batch_size'], ['num_workers']),
    ('multisteplr', ['MultiStepLR', 'StepLR'], ['MultiStepLR']),   # case only
    ('Cosine_Annealing', ['CosineAnnealing'], ['CosineAnnealing']),
    ('EpochBasedLoop', ['EpochBasedTrainLoop', 'IterBasedTrainLoop'], ['EpochBasedTrainLoop']),
    ('OptimWraper', ['AmpOptimWrapper', 'OptimWrapper'], ['OptimWrapper', 'AmpOptimWrapper']),
    # not close: a different hook, a different optimizer, a much longer name
    ('EvalHook', ['EMAHook', 'EmptyCacheHook', 'LoggerHook'], []),
    ('Lamb', ['Adam', 'SGD'], []),
    ('CosineLR', ['CosineAnnealingLR', 'CosineRestartLR', 'LinearLR'], []),
    ('lr', ['lr_ratio', 'l1'], []),                             # too short for a one-edit hint
    ('MultiStepLr', ['MultiStepMomentum', 'StepLR', 'MultiStepLR'], ['MultiStepLR']),
])
def test_close_names(name, candidates, expected):
    assert close_names(name, candidates) == expected


def test_ratio_alone_needs_a_similar_length():
    # 'momentum' is all of 'momentum_max' but its last third: ratio 0.8, lengths 8 and 12
    assert close_names('momentum', ['momentum_max']) == []
    assert close_names('momentum', ['momentum_m']) == ['momentum_m']   # ratio 0.89, 8 and 10


def test_did_you_mean_text():
    assert did_you_mean('SDG', ['SGD', 'Adam']) == "did you mean 'SGD'?"
    assert did_you_mean('OptimWraper', ['AmpOptimWrapper', 'OptimWrapper']) == \
        "did you mean 'OptimWrapper', 'AmpOptimWrapper'?"
    assert did_you_mean('EvalHook', ['EMAHook']) == ''
    assert close_names('SGD', ['SGD', 'ASGD']) == ['ASGD']   # never the name itself
