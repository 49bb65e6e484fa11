"""D4: print_log's logger and level forms, mapped for each target (MMCV 1.7.2's print_log:
None prints, 'silent' logs nothing, a Logger gets .log(level, msg), a name goes through
get_logger(name); MMEngine 0.10.7's raises ValueError for a name no MMLogger has)."""
from migrate.hookcode import convert_hook_text

LEGACY = '''"""Doc."""
import logging

from mmcv.runner import HOOKS, Hook
from mmcv.utils import print_log


@HOOKS.register_module()
class LogHook(Hook):

    def before_run(self, runner):
        print_log('plain')
        print_log('quiet', logger='silent')
        print_log('to root', logger='root')
        print_log('warn', logger=runner.logger, level=logging.WARNING)
        print_log('named', 'mmdet', logging.ERROR)
        print_log('obj', logger=self.logger)
        print_log('odd', logger=self.where)
        print_log(f'{self.f()}', logger='silent')
'''

MMENGINE = '''"""Doc."""
import logging

from mmengine.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log


@HOOKS.register_module()
class LogHook(Hook):

    def before_run(self, runner):
        print_log('plain')
        print_log('quiet', logger='silent')
        # migrate[HK001]: print_log(..., logger='root'): MMCV logged to the stdlib root
        #   logger (not the run's log file) through get_logger('root'), which gave it a
        #   stderr handler at INFO on first use; MMEngine's print_log raises ValueError
        #   for a name no MMLogger has ('MMLogger: root has not been created!'): it now
        #   logs through logger='current', the run's logger (console and log file); use
        #   logging.getLogger('root') if it must go where MMCV sent it
        print_log('to root', logger='current')
        print_log('warn', logger=runner.logger, level=logging.WARNING)
        # migrate[HK001]: print_log(..., logger='mmdet'): MMCV logged to the logging
        #   logger 'mmdet' through get_logger('mmdet'), which gave it a stderr handler at
        #   INFO on first use; MMEngine's print_log raises ValueError for a name no
        #   MMLogger has ('MMLogger: mmdet has not been created!'): it now logs through
        #   logger='current', the run's logger (console and log file); use
        #   logging.getLogger('mmdet') if it must go where MMCV sent it
        print_log('named', 'current', logging.ERROR)
        print_log('obj', logger=self.logger)
        # migrate[HK001]: print_log(..., logger=self.where): MMCV took a Logger or a
        #   logger name here (get_logger(name)); the converted call takes a Logger,
        #   'silent', 'current' or an existing MMLogger's name: check what self.where is
        print_log('odd', logger=self.where)
        print_log(f'{self.f()}', logger='silent')
'''

ENGINE = '''"""Doc."""
import logging

from engine.registry import HOOKS
from engine.hooks import Hook


@HOOKS.register_module()
class LogHook(Hook):

    def before_run(self, runner):
        print('plain')
        pass
        # migrate[HK001]: print_log(..., logger='root'): MMCV logged to the stdlib root
        #   logger (not the run's log file) through get_logger('root'), which gave it a
        #   stderr handler at INFO on first use; the engine has no print_log: it now logs
        #   through logging.getLogger('engine'), the run's logger (console and log file);
        #   use logging.getLogger('root') if it must go where MMCV sent it
        logging.getLogger('engine').info('to root')
        runner.logger.log(logging.WARNING, 'warn')
        # migrate[HK001]: print_log(..., logger='mmdet'): MMCV logged to the logging
        #   logger 'mmdet' through get_logger('mmdet'), which gave it a stderr handler at
        #   INFO on first use; the engine has no print_log: it now logs through
        #   logging.getLogger('engine'), the run's logger (console and log file); use
        #   logging.getLogger('mmdet') if it must go where MMCV sent it
        logging.getLogger('engine').log(logging.ERROR, 'named')
        self.logger.info('obj')
        # migrate[HK001]: print_log(..., logger=self.where): MMCV took a Logger or a
        #   logger name here (get_logger(name)); the converted call takes a Logger (its
        #   .info or .log is called): check what self.where is
        self.where.info('odd')
        f'{self.f()}'
'''

ROOT = ("print_log(..., logger='root'): MMCV logged to the stdlib root logger (not the run's "
        "log file) through get_logger('root'), which gave it a stderr handler at INFO on first "
        'use; ')


def _findings(out):
    return [(f.severity, f.message) for f in out.findings if f.key == 'print_log']


def test_mmengine_keeps_print_silent_and_loggers_and_maps_names():
    out = convert_hook_text(LEGACY, 'mmengine')
    assert out.text_out == MMENGINE
    found = _findings(out)
    assert [s for s, _ in found] == ['manual', 'manual', 'manual']
    assert found[0][1] == ROOT + (
        "MMEngine's print_log raises ValueError for a name no MMLogger has ('MMLogger: root "
        "has not been created!'): it now logs through logger='current', the run's logger "
        "(console and log file); use logging.getLogger('root') if it must go where MMCV "
        'sent it')
    assert "logger='mmdet'" in found[1][1]
    assert found[2][1].startswith('print_log(..., logger=self.where): MMCV took a Logger or '
                                  'a logger name here')


def test_engine_maps_each_form_to_its_own_call():
    out = convert_hook_text(LEGACY, 'engine')
    assert out.text_out == ENGINE
    found = _findings(out)
    assert [s for s, _ in found] == ['note', 'manual', 'manual', 'manual', 'note']
    assert found[0][1] == ("print_log('quiet', logger='silent'): logger='silent' logged "
                           'nothing in MMCV: nothing is logged here either')
    assert found[1][1].startswith(ROOT + 'the engine has no print_log: it now logs through '
                                  "logging.getLogger('engine')")


def test_engine_adds_import_logging_when_a_name_needs_it():
    legacy = '''from mmcv.runner import Hook
from mmcv.utils import print_log


class SayHook(Hook):

    def before_run(self, runner):
        print_log('hi', logger='mmseg')
'''
    out = convert_hook_text(legacy, 'engine')
    assert out.text_out.startswith('import logging\nfrom engine.hooks import Hook\n\n\n')
    assert "logging.getLogger('engine').info('hi')" in out.text_out


def test_no_logger_is_only_an_import_swap_and_converting_again_is_a_no_op():
    legacy = '''from mmcv.runner import Hook
from mmcv.utils import print_log


class SayHook(Hook):

    def before_run(self, runner):
        print_log('hi')
        print_log('warned', logger=runner.logger, level=30)
'''
    out = convert_hook_text(legacy, 'mmengine')
    assert out.text_out == legacy.replace(
        'from mmcv.runner import Hook\nfrom mmcv.utils import print_log',
        'from mmengine.hooks import Hook\nfrom mmengine.logging import print_log')
    assert _findings(out) == []
    again = convert_hook_text(out.text_out, 'mmengine')
    assert again.text_out == out.text_out and again.findings == []
    engine = convert_hook_text(legacy, 'engine').text_out
    assert "        print('hi')\n        runner.logger.log(30, 'warned')\n" in engine
    assert convert_hook_text(MMENGINE, 'mmengine').text_out == MMENGINE
