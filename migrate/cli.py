"""The ``migrate`` command line."""
from __future__ import annotations

import sys
from typing import Optional, Tuple

import click

from engine.errors import EngineError


#: exit status of `migrate convert` when our own code failed (a bug), distinct from 1
#: (errors in the input, reported) and 2 (a usage error: nothing was converted)
EXIT_INTERNAL = 3


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
@click.option('--seed', type=int, default=None,
              help='Random seed (legacy configs: as tools/train.py --seed; default: the '
                   'config\'s seed, else a random one).')
@click.option('--deterministic', is_flag=True,
              help='Deterministic cuDNN (legacy configs, as tools/train.py --deterministic).')
@click.option('--no-validate', is_flag=True,
              help='Legacy configs: no evaluation hook (as tools/train.py --no-validate).')
@click.option('--schema', type=click.Choice(['auto', 'legacy', 'new']), default='auto',
              show_default=True,
              help='Which runtime: legacy MMCV 1.x keys run on compat, new keys on the engine.')
def train(config: str, work_dir: Optional[str], resume: Optional[str],
          cfg_options: Tuple[str, ...], launcher: str, unsafe_load: bool, seed: Optional[int],
          deterministic: bool, no_validate: bool, schema: str) -> None:
    """Train CONFIG: a legacy (MMCV 1.x) config runs unchanged on the compat runtime, a
    new-style (MMEngine) config on the engine."""
    from engine.config import parse_cfg_options

    try:
        options = parse_cfg_options([item for opt in cfg_options for item in opt.split()])
        if schema == 'auto':
            schema = _schema_of(config)
        if schema == 'legacy':
            _train_legacy(config, work_dir, resume, options, launcher, unsafe_load, seed,
                          deterministic, not no_validate)
        else:
            _train_new(config, work_dir, resume, options, launcher, unsafe_load, seed,
                       deterministic)
    except EngineError as e:
        _fail(e)


def _schema_of(config: str) -> str:
    """Statically when the file allows it; else by loading it (MMCV semantics, no custom
    imports); a file that cannot be loaded goes to the engine, whose error names the line."""
    from migrate.schema import config_schema, top_level_names

    names = top_level_names(config)
    if names is None:
        try:
            from compat.utils.config import Config as LegacyConfig
            names = set(LegacyConfig.fromfile(config, import_custom_modules=False))
        except Exception:   # the engine's loader reports what is wrong with the file
            return 'new'
    return config_schema(config, names)


def _train_new(config: str, work_dir: Optional[str], resume: Optional[str], options: dict,
               launcher: str, unsafe_load: bool, seed: Optional[int],
               deterministic: bool) -> None:
    import os

    from engine.config import Config
    from engine.runner import Runner

    cfg = Config.fromfile(config, cfg_options=options or None)
    if work_dir is not None:
        cfg['work_dir'] = work_dir
    elif not cfg.get('work_dir'):
        cfg['work_dir'] = os.path.join('work_dirs', os.path.splitext(os.path.basename(config))[0])
    if resume == 'auto':
        cfg['resume'] = True
    elif resume is not None:
        from migrate.checkpoint.on_the_fly import engine_checkpoint_for  # legacy: converted
        cfg['resume'] = True
        cfg['load_from'] = engine_checkpoint_for(resume, config, options, unsafe_load)
    cfg['launcher'] = launcher
    if unsafe_load:
        cfg['load_unsafe'] = True
    if seed is not None or deterministic:
        randomness = dict(cfg.get('randomness') or {})
        if seed is not None:
            randomness['seed'] = seed
        if deterministic:
            randomness['deterministic'] = True
        cfg['randomness'] = randomness
    runner_type = cfg.get('runner_type')
    if runner_type:
        # as MMEngine's tools/train.py: the named runner class builds the run
        from engine.registry import RUNNERS
        try:
            runner_cls = RUNNERS.get(runner_type) if isinstance(runner_type, str) \
                else runner_type
        except EngineError as e:
            raise e.with_context(file=config, key='runner_type') from e
        runner = runner_cls.from_cfg(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    runner.train()
    del runner  # its DDP wrapper must go before the process group it reduces over
    from engine.dist import destroy_dist
    destroy_dist()  # under torchrun: leave together, no rank aborts on a closed peer


def _train_legacy(config: str, work_dir: Optional[str], resume: Optional[str], options: dict,
                  launcher: str, unsafe_load: bool, seed: Optional[int], deterministic: bool,
                  validate: bool) -> None:
    from compat.apis.run import run_legacy_training

    run_legacy_training(config, work_dir=work_dir, resume=resume, cfg_options=options,
                        launcher=launcher, unsafe_load=unsafe_load, seed=seed,
                        deterministic=deterministic, validate=validate)


def _rules_listing() -> str:
    from migrate.rules import RULES
    return '\n'.join(f'{r.id}  {r.name:36} {r.summary}' for r in RULES)


@main.command()
@click.argument('srcs', metavar='SRC...', nargs=-1, type=click.Path(exists=False))
@click.option('-o', '--output', 'output', type=click.Path(),
              help='Write the converted file (or tree, same relative paths) here.')
@click.option('--in-place', is_flag=True, help='Rewrite SRC itself.')
@click.option('--target', type=click.Choice(['mmengine', 'engine']), default='mmengine',
              show_default=True,
              help='mmengine: only real MMEngine 0.10.7 types (approximations marked); '
                   'engine: exact everywhere with engine-only schedulers.')
@click.option('--epoch-len', type=click.IntRange(min=1), default=None, metavar='N',
              help='Iterations per epoch (len(train_dataloader)) where exactness depends on it.')
@click.option('--diff', is_flag=True, help='Print a unified diff instead of writing.')
@click.option('--check', is_flag=True, help='Write nothing; exit 1 if anything would change.')
@click.option('--report', type=click.Path(dir_okay=False), metavar='FILE.json',
              help='Per-file report: rules applied, approximations, untouched keys, errors.')
@click.option('--list-rules', is_flag=True, help='List the rules and exit.')
@click.option('--select', multiple=True, metavar='RULE', help='Run only these rules (id or name).')
@click.option('--ignore', multiple=True, metavar='RULE', help='Skip these rules (id or name).')
@click.option('-q', '--quiet', is_flag=True, help='No progress or summary on stderr.')
@click.option('--keep-legacy-models', is_flag=True,
              help='Converted training configs keep their legacy-protocol models and datasets '
                   '(runner_type=LegacyBridgeRunner, through compat.on_engine): move configs '
                   'and runtime now, port the models later.')
def convert(srcs: Tuple[str, ...], output: Optional[str], in_place: bool, target: str,
            epoch_len: Optional[int], diff: bool, check: bool, report: Optional[str],
            list_rules: bool, select: Tuple[str, ...], ignore: Tuple[str, ...],
            quiet: bool, keep_legacy_models: bool) -> None:
    """Convert legacy MMCV 1.x configs (files or directory trees) to MMEngine keys.

    The input is read statically (never executed) and never overwritten unless --in-place.
    A file prints to stdout unless -o is given; a tree needs -o DST or --in-place. Several
    SRCs (as a pre-commit hook passes them) go with --check, --diff or --in-place.
    """
    from migrate.convert.driver import ConvertOptions, summary_line
    from migrate.convert.several import run_convert_files, would_change
    from migrate.rules import select_rules

    if list_rules:
        click.echo(_rules_listing())
        return
    if not srcs:
        _fail(EngineError('missing SRC', fix='give a legacy config file or directory'))
    src = ', '.join(srcs)
    try:
        options = ConvertOptions(target=target, epoch_len=epoch_len,
                                 rules=select_rules(list(select), list(ignore)), output=output,
                                 in_place=in_place, check=check, diff=diff, report=report,
                                 progress=not quiet, keep_legacy_models=keep_legacy_models)
        echo = (lambda s: None) if quiet else (lambda s: click.echo(s, err=True))
        run = run_convert_files(srcs, options, echo=echo)
    except EngineError as e:
        _fail(e)
        return
    except Exception as e:   # a bug of ours outside any one file: say so, no traceback
        from migrate.convert.internal import internal_error_message
        click.echo(f'error: {internal_error_message(src, e)}', err=True)
        sys.exit(EXIT_INTERNAL)
    for result in run.errors:
        for message in result.error_messages:
            click.echo(f'error: {message}', err=True)
    if check:
        for line in would_change(run):
            click.echo(line, err=True)
    if not quiet:
        for result in run.results:
            for f in result.findings:
                if f.severity in ('approximation', 'manual', 'dropped') or \
                        f.kind == 'side-effect':
                    click.echo(f'{result.path}: {f.severity}: [{f.rule}] {f.key}: {f.message}',
                               err=True)
        click.echo(summary_line(run), err=True)
    if any(r.internal for r in run.results):
        sys.exit(EXIT_INTERNAL)
    if run.errors or (check and run.changed):
        sys.exit(1)


@main.command()
@click.argument('legacy_cfg', type=click.Path(exists=True, dir_okay=False))
@click.option('--schedule-only', is_flag=True,
              help='Compare lr/momentum only (no model or data needed).')
@click.option('--target', type=click.Choice(['mmengine', 'engine']), default='mmengine',
              show_default=True)
@click.option('--epoch-len', type=click.IntRange(min=1), default=None, metavar='N',
              help='Iterations per epoch for epoch-based runs (schedule-only default: 100, '
                   'assumed; a whole run measures it).')
@click.option('--iters', type=click.IntRange(min=1), default=None, metavar='N',
              help='Whole run: stop both runs after N iterations.')
@click.option('--seed', type=int, default=None,
              help='Whole run: the seed of both runs (default: each config\'s own seed, '
                   'else 0).')
@click.option('--cfg-options', multiple=True, metavar='KEY=VALUE',
              help='Whole run: override keys on both sides (where each side has the key).')
@click.option('--converted', 'converted', type=click.Path(exists=True, dir_okay=False),
              metavar='CFG', help='Whole run: compare with this converted config instead of '
                                  'converting LEGACY_CFG (e.g. a hand-edited conversion).')
@click.option('--json', 'json_out', type=click.Path(dir_okay=False), metavar='OUT',
              help='Write both runs (every series) as JSON.')
@click.option('--plot', 'plot_out', type=click.Path(dir_okay=False), metavar='OUT.png',
              help='Plot both curves with divergences marked (needs matplotlib).')
@click.option('--keep', 'keep_dir', type=click.Path(file_okay=False), metavar='DIR',
              help='Keep the converted tree (and, for a whole run, both work dirs) in DIR.')
@click.option('--full', is_flag=True, help='Print every iteration.')
def verify(legacy_cfg: str, schedule_only: bool, target: str, epoch_len: Optional[int],
           iters: Optional[int], seed: Optional[int], cfg_options: Tuple[str, ...],
           converted: Optional[str], json_out: Optional[str], plot_out: Optional[str],
           keep_dir: Optional[str], full: bool) -> None:
    """Run LEGACY_CFG (MMCV 1.x semantics) beside its conversion and compare, per iteration.

    Whole run (default): the legacy config trains on the compat runtime, its conversion on the
    engine, same seed, initial weights and sample order; lr, momentum, loss, gradient norm,
    final weights, checkpoints and evaluations are compared. --schedule-only compares the
    lr/momentum schedules without a model or data. Neither config file is executed: both are
    read statically (the modules named in custom_imports are imported). Exit status 1 when
    they diverge, 2 on an error.
    """
    import shlex

    try:
        if schedule_only:
            from migrate.verify.output import render_report, write_json, write_plot
            from migrate.verify.schedule import compare_schedules

            command = f'migrate verify {shlex.quote(legacy_cfg)} --schedule-only' + (
                f' --epoch-len {epoch_len}' if epoch_len else '')
            comparison = compare_schedules(legacy_cfg, target=target, epoch_len=epoch_len,
                                           keep_dir=keep_dir)
            report = render_report(comparison, full, command)
        else:
            from engine.config import parse_cfg_options
            from migrate.verify.run_output import (render_run_report,
                                                   write_run_json as write_json,
                                                   write_run_plot as write_plot)
            from migrate.verify.whole_run import compare_runs

            options = parse_cfg_options([item for opt in cfg_options for item in opt.split()])
            click.echo(f'training {legacy_cfg} on compat and its conversion on the engine...',
                       err=True)
            comparison = compare_runs(legacy_cfg, target=target, epoch_len=epoch_len,
                                      iters=iters, seed=seed, cfg_options=options,
                                      keep_dir=keep_dir, converted=converted)
            report = render_run_report(comparison, full)
        click.echo(report)
        if json_out:
            write_json(comparison, json_out)
        if plot_out:
            write_plot(comparison, plot_out)
            click.echo(f'plot: {plot_out}')
    except EngineError as e:
        _fail(e)
        return
    if not comparison.equal:
        sys.exit(1)


from migrate.checkpoint.cli import checkpoint  # noqa: E402  (defined there, one job per module)
main.add_command(checkpoint)


if __name__ == '__main__':  # pragma: no cover
    main()
