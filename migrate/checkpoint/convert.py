"""One conversion: read, detect the format, convert to the other side, write atomically."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional

from engine.errors import CheckpointError
from migrate.checkpoint.config_view import ConfigView, read_config
from migrate.checkpoint.files import check_output, read_checkpoint, write_checkpoint
from migrate.checkpoint.formats import ENGINE, LEGACY, detect_format


@dataclass
class ConversionResult:
    """What was converted: the formats on both sides and notes for the user."""

    source_format: str
    target_format: str
    notes: List[str] = field(default_factory=list)


def convert_checkpoint(ckpt: dict, src: str, *, to: str = ENGINE,
                       view: Optional[ConfigView] = None, epoch_len: Optional[int] = None,
                       dst: Optional[str] = None):
    """Convert a loaded checkpoint dict; returns ``(new_dict, ConversionResult)``."""
    from migrate.checkpoint.to_engine import legacy_to_engine
    from migrate.checkpoint.to_legacy import engine_to_legacy

    source = detect_format(ckpt, src)
    if source == to:
        raise CheckpointError(
            f'the checkpoint is already in the {to} format', file=src,
            fix=('resume from it as it is' if to == ENGINE else
                 'it needs no conversion: the legacy runtime reads it as it is') +
                f' (or pass --to {LEGACY if to == ENGINE else ENGINE})')
    if to == ENGINE:
        out, notes = legacy_to_engine(ckpt, src, view=view, epoch_len=epoch_len, dst=dst)
    else:
        out, notes = engine_to_legacy(ckpt, src, view=view)
    return out, ConversionResult(source, to, notes)


def convert_file(src: str, dst: str, *, to: str = ENGINE, config: Optional[str] = None,
                 epoch_len: Optional[int] = None, unsafe: bool = False) -> ConversionResult:
    """Convert the checkpoint file ``src`` into ``dst`` (``to``: 'engine' or 'legacy'),
    for the converted config ``config`` when given."""
    import os
    if to not in (ENGINE, LEGACY):
        raise CheckpointError(f'unknown target format {to!r}', key='--to',
                              fix="use --to engine or --to legacy")
    check_output(dst, src)
    view = read_config(config) if config is not None else None
    ckpt = read_checkpoint(src, unsafe=unsafe)
    out, result = convert_checkpoint(ckpt, src, to=to, view=view, epoch_len=epoch_len,
                                     dst=os.path.abspath(dst))
    write_checkpoint(out, dst, src)
    return result
