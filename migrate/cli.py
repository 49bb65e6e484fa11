"""The ``migrate`` command line."""
from __future__ import annotations

import sys
from typing import Optional, Tuple

import click

from engine.errors import EngineError


def _fail(err: Exception) -> None:
    click.echo(f'error: {err}', err=True)
    sys.exit(2)


@click.group(context_settings=dict(help_option_names=['-h', '--help']))
@click.version_option(package_name='mmcv-migrate')
def main() -> None:
    """Run and migrate OpenMMLab training configs (MMCV 1.x -> MMEngine)."""


@main.command()
@click.argument('config', type=click.Path(exists=True, dir_okay=False))
@click.option('--work-dir', type=click.Path(file_okay=False),
              help='Where logs and checkpoints go (default: the config\'s work_dir, else '
                   './work_dirs/<config name>).')
@click.option('--resume', 'resume', is_flag=False, flag_value='auto', default=None,
              metavar='[CKPT]',
              help='Resume: alone, from the latest checkpoint in the work dir; with a path, '
                   'from that checkpoint.')
@click.option('--cfg-options', multiple=True, metavar='KEY=VALUE',
              help='Override config keys, e.g. --cfg-options train_cfg.max_epochs=2 '
                   'optim_wrapper.optimizer.lr=0.01 (repeatable; several per option too).')
@click.option('--launcher', type=click.Choice(['none', 'pytorch']), default='none',
              help='Job launcher: pytorch under torchrun.')
@click.option('--unsafe-load', is_flag=True,
              help='Allow checkpoints with arbitrary pickled objects (trusted files only).')
def train(config: str, work_dir: Optional[str], resume: Optional[str],
          cfg_options: Tuple[str, ...], launcher: str, unsafe_load: bool) -> None:
    """Train CONFIG (a new-style, MMEngine-compatible config)."""
    import os

    from engine.config import Config, parse_cfg_options
    from engine.runner import Runner

    try:
        options = parse_cfg_options([item for opt in cfg_options for item in opt.split()])
        cfg = Config.fromfile(config, cfg_options=options or None)
        if work_dir is not None:
            cfg['work_dir'] = work_dir
        elif not cfg.get('work_dir'):
            cfg['work_dir'] = os.path.join('work_dirs',
                                           os.path.splitext(os.path.basename(config))[0])
        if resume == 'auto':
            cfg['resume'] = True
        elif resume is not None:
            cfg['resume'] = True
            cfg['load_from'] = resume
        cfg['launcher'] = launcher
        if unsafe_load:
            cfg['load_unsafe'] = True
        runner = Runner.from_cfg(cfg)
        runner.train()
    except EngineError as e:
        _fail(e)


if __name__ == '__main__':  # pragma: no cover
    main()
