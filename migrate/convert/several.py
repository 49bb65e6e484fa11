"""``migrate convert`` given several files (what a pre-commit hook passes), and what
``--check`` says about each file it would change.
"""
from __future__ import annotations

import os
from typing import Callable, List, Sequence

from engine.errors import ConfigError
from migrate.convert.driver import ConvertOptions, ConvertRun, run_convert


def run_convert_files(srcs: Sequence[str], options: ConvertOptions,
                      echo: Callable[[str], None]) -> ConvertRun:
    """Convert each of ``srcs`` (files or trees) as ``run_convert`` does, into one run."""
    if len(srcs) == 1:
        return run_convert(srcs[0], options, echo=echo)
    for flag, given in (('-o', options.output), ('--report', options.report)):
        if given:
            raise ConfigError(f'{flag} takes one SRC, got {len(srcs)}', key=flag,
                              fix=f'give one file or directory with {flag}, or use --check, '
                              '--diff or --in-place on several')
    runs = [run_convert(src, options, echo=echo) for src in srcs]
    merged = ConvertRun(root=os.path.commonpath([run.root for run in runs]))
    for run in runs:
        merged.results.extend(run.results)
        merged.seconds += run.seconds
    return merged


def would_change(run: ConvertRun) -> List[str]:
    """One line per file ``--check`` finds still legacy: the keys it would convert."""
    lines = []
    for result in run.changed:
        if result.removed or result.written:
            what = (f"would convert {', '.join(result.removed) or 'nothing'} to "
                    f"{', '.join(result.written) or 'nothing new'}")
        else:
            what = 'would add migrate comments'
        lines.append(f'{result.path}: {what} (see it with --diff, write it with --in-place)')
    return lines
