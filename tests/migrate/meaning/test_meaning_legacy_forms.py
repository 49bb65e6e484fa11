"""The two legacy forms the meaning check reads the codebase's way: a top-level train_cfg that
MMCls/MMSelfSup 0.x never read, and MMSelfSup 0.x's regex paramwise_options."""
from migrate.meaning import check_meaning
from migrate.meaning.legacy_reading import model, paramwise

REGEX = {'(bn|gn)\\.(weight|bias)': {'weight_decay': 0.}, 'bias': {'weight_decay': 0.}}
SGD = {'type': 'SGD', 'lr': 0.1, 'weight_decay': 1e-4}


def _wrapper(custom_keys):
    return {'optim_wrapper': {'optimizer': dict(SGD),
                              'paramwise_cfg': {'custom_keys': custom_keys}}}


def test_regex_form_accepts_the_exact_custom_keys():
    legacy = {'optimizer': {**SGD, 'paramwise_options': REGEX}}
    exact = {k: {'weight_decay': 0.} for k in ('bn.weight', 'bn.bias', 'gn.weight', 'gn.bias',
                                                'bias')}
    assert check_meaning('a.py', legacy, _wrapper(exact), []) == []
    wrong = {**exact, 'gn.weight': {'weight_decay': 1e-4}}
    errors = check_meaning('a.py', legacy, _wrapper(wrong), [])
    assert len(errors) == 1 and 'paramwise settings differs' in errors[0]


def test_regex_form_without_exact_keys_reads_as_written():
    options = {'(bn|gn)(\\d+)?.(weight|bias)': {'weight_decay': 0.}}
    assert paramwise({'optimizer': {**SGD, 'paramwise_options': options}}) == \
        (options, 'DefaultOptimizerConstructor')


def test_top_level_train_cfg_reaches_the_model_only_where_the_codebase_read_it():
    outer = {'train_cfg': {'mixup': {'alpha': 0.2}}, 'test_cfg': {'rcnn': {'score_thr': 0.05}}}
    for mtype in ('ImageClassifier', 'SimCLR'):   # build_classifier / build_algorithm(cfg.model)
        assert model({'model': {'type': mtype}, **outer}) == {'type': mtype}
    for mtype in ('FasterRCNN', 'Recognizer2D', 'UnknownNet'):   # unknown: the MMDet way
        assert model({'model': {'type': mtype}, **outer}) == {'type': mtype, **outer}


def test_dropped_mmcls_train_cfg_passes_the_check():
    legacy = {'model': {'type': 'ImageClassifier'}, 'train_cfg': {'mixup': {'alpha': 0.2}}}
    assert check_meaning('a.py', legacy, {'model': {'type': 'ImageClassifier'}}, []) == []
