"""MIG063 ``custom-imports-hook-code``:
custom_imports modules that are legacy hook code (outside the converted tree) are named with
the migrate convert command that converts them.

Golden pairs: ``fixtures/rule_cases/MIG063/`` (each case folder holds the modules its config
imports); each case's report is ``REPORTS[case]``; ``NOOPS`` are inputs the converter leaves
byte-identical, reporting nothing. Conventions and helpers: ``_rule_cases.py``.
"""
import pytest

from _rule_cases import (assert_golden_pair, assert_idempotent, assert_noop, assert_report,
                         convert_file, finding, golden_cases, report, report_cases)

RULE = 'MIG063'

HOOKS = '''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class IterCountHook(Hook):

    def after_train_iter(self, runner):
        self.count = getattr(self, 'count', 0) + 1
'''

CONVERTED_HOOKS = '''from mmengine.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class IterCountHook(Hook):

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.count = getattr(self, 'count', 0) + 1
'''


def _marked(**kw):
    """A report whose file changed by its marker comment only."""
    return {**report(**kw), 'changed': True}


def _message(modules, commands):
    return (f'{modules}: legacy MMCV 1.x hook code that this config imports, not converted with '
            "it (paths from this config's folder); the converted run needs it converted too: "
            f'{commands}')


REPORTS = {
    'legacy_hook_module': _marked(
        rules=['MIG063'],
        findings=[finding('MIG063', 'note', 'custom_imports', _message(
            'my_project.hooks (my_project/hooks.py)',
            'migrate convert my_project/hooks.py --target mmengine'))],
        untouched=['model', 'custom_imports'],
    ),
    'string_import_and_plain_code': _marked(
        rules=['MIG063'],
        findings=[finding('MIG063', 'note', 'custom_imports', _message(
            'count_hooks (count_hooks.py)', 'migrate convert count_hooks.py --target mmengine'))],
        untouched=['custom_imports', 'model'],
    ),
}

NOOPS = [
    pytest.param("model = dict(type='ResNet', depth=18)\n", id='no_custom_imports'),
    pytest.param("custom_imports = dict(imports=['not_here.hooks'])\n", id='module_not_found'),
    pytest.param({'config.py': "custom_imports = dict(imports=['proj.hooks'])\n",
                  'proj/__init__.py': '', 'proj/hooks.py': HOOKS}, id='module_in_the_tree'),
    pytest.param({'config.py': "custom_imports = dict(imports=['proj.hooks'])\n",
                  'proj/__init__.py': '', 'proj/hooks.py': CONVERTED_HOOKS},
                 id='module_converted_already'),
]


@pytest.mark.parametrize('case', golden_cases(RULE))
def test_golden_pair(case):
    assert_golden_pair(RULE, case)


@pytest.mark.parametrize('case', golden_cases(RULE))
def test_idempotent(case):
    assert_idempotent(RULE, case)


@pytest.mark.parametrize('case', report_cases(RULE, REPORTS))
def test_report(case):
    assert_report(RULE, case, REPORTS)


@pytest.mark.parametrize('source', NOOPS)
def test_noop(source, tmp_path):
    assert_noop(source, tmp_path)


def test_single_file_names_a_module_in_a_folder_above(tmp_path):
    """A config in configs/ imports a module from the project root above it."""
    (tmp_path / 'proj').mkdir()
    (tmp_path / 'proj' / '__init__.py').write_text('')
    (tmp_path / 'proj' / 'hooks.py').write_text(HOOKS)
    (tmp_path / 'configs').mkdir()
    config = tmp_path / 'configs' / 'run.py'
    config.write_text("custom_imports = dict(imports=['proj.hooks'])\n")
    out = convert_file(str(config), target='engine')
    assert out['report']['findings'] == [finding('MIG063', 'note', 'custom_imports', _message(
        'proj.hooks (../proj/hooks.py)', 'migrate convert ../proj/hooks.py --target engine'))]
    assert out['text_out'].endswith("custom_imports = dict(imports=['proj.hooks'])\n")
    assert out['text_out'].startswith('# migrate[MIG063]: proj.hooks (../proj/hooks.py)')
