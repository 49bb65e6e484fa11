"""``migrate checkpoint OLD.pth NEW.pth``: the click command (registered by migrate.cli)."""
from __future__ import annotations

import sys
from typing import Optional

import click


@click.command('checkpoint')
@click.argument('old', metavar='OLD.pth', type=click.Path(exists=True, dir_okay=False))
@click.argument('new', metavar='NEW.pth', type=click.Path(dir_okay=False))
@click.option('--to', 'to', type=click.Choice(['engine', 'legacy']), default='engine',
              show_default=True,
              help='engine: an MMCV 1.x checkpoint becomes one the engine (and MMEngine) can '
                   'resume; legacy: the other way.')
@click.option('--config', 'config', type=click.Path(exists=True, dir_okay=False),
              metavar='CONVERTED_CFG',
              help='The converted (new-style) config the run resumes with: needed for the '
                   'param scheduler states and the next iteration\'s lr.')
@click.option('--epoch-len', type=click.IntRange(min=1), default=None, metavar='N',
              help='Iterations per epoch, when meta.iter / meta.epoch does not tell it.')
@click.option('--unsafe-load', is_flag=True,
              help='Unpickle OLD.pth without restrictions (trusted files only).')
@click.option('-q', '--quiet', is_flag=True, help='No notes on stderr.')
def checkpoint(old: str, new: str, to: str, config: Optional[str], epoch_len: Optional[int],
               unsafe_load: bool, quiet: bool) -> None:
    """Convert the checkpoint OLD.pth into NEW.pth across the MMCV 1.x / engine boundary.

    OLD.pth is never modified; NEW.pth is written atomically. Exit status 2 on an error (the
    message names the file, the key and the fix).
    """
    from engine.errors import EngineError
    from migrate.checkpoint.convert import convert_file

    try:
        result = convert_file(old, new, to=to, config=config, epoch_len=epoch_len,
                              unsafe=unsafe_load)
    except EngineError as e:
        click.echo(f'error: {e}', err=True)
        sys.exit(2)
    if not quiet:
        for note in result.notes:
            click.echo(f'{old}: {note}', err=True)
        click.echo(f'{old} ({result.source_format}) -> {new} ({result.target_format})',
                   err=True)
