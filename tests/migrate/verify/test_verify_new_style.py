"""A new-style config given to verify is named as such, with what to pass instead."""
import pytest

from migrate.verify.new_style import NewStyleConfigError, refuse_new_style


def test_new_keys_without_legacy_ones_are_refused():
    with pytest.raises(NewStyleConfigError) as err:
        refuse_new_style({'optim_wrapper': {}, 'param_scheduler': [], 'train_cfg': {}},
                         file='new.py')
    assert err.value.file == 'new.py' and err.value.key == 'optim_wrapper'
    assert 'new-style' in err.value.message and 'legacy config' in err.value.fix


@pytest.mark.parametrize('view', [
    {'optimizer': {}, 'lr_config': {}, 'runner': {}},
    # MMDet 2.x's top-level model train_cfg/test_cfg is not a new-style marker
    {'train_cfg': {}, 'test_cfg': {}, 'total_epochs': 12},
    # half converted: the legacy keys still decide
    {'optim_wrapper': {}, 'lr_config': {}},
    {},
])
def test_legacy_or_mixed_views_pass(view):
    refuse_new_style(view, file='cfg.py')
