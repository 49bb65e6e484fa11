"""Checkpoints across the MMCV 1.x / engine boundary: ``migrate checkpoint OLD.pth NEW.pth``.

A legacy (MMCV 1.7.2) checkpoint holds ``meta`` (epoch, iter, hook_msgs, fp16 loss scaler...),
``state_dict`` and ``optimizer``; the engine's (MMEngine 0.10.7's layout) adds the message hub,
the param scheduler states and the loop position, without which MMEngine's resume fails
(``KeyError: 'message_hub'``). :func:`convert_file` turns one into the other, either way:

* :mod:`.to_engine` -- legacy -> engine, the schedule position replayed from the converted
  config (:mod:`.schedule_state`);
* :mod:`.to_legacy` -- engine -> legacy, keeping what MMCV has no place for in a side key so
  that converting back is exact;
* :mod:`.files` -- reading (``weights_only=True``, the allow-list of
  :mod:`engine.checkpoint.mmengine_checkpoint`) and atomic writing;
* :mod:`.on_the_fly` -- ``migrate train converted.py --resume legacy.pth``.
"""
__all__ = ['ConversionResult', 'convert_checkpoint', 'convert_file', 'detect_format', 'ENGINE',
           'LEGACY']

_HOMES = {'ConversionResult': 'convert', 'convert_checkpoint': 'convert',
          'convert_file': 'convert', 'detect_format': 'formats', 'ENGINE': 'formats',
          'LEGACY': 'formats'}


def __getattr__(name: str):
    # lazy: `migrate --help` registers the command without importing torch
    if name in _HOMES:
        import importlib
        return getattr(importlib.import_module(f'migrate.checkpoint.{_HOMES[name]}'), name)
    raise AttributeError(name)
