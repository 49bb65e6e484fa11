"""MIG081: ``seed``, ``deterministic``, ``diff_seed`` -> ``randomness`` (values kept: the
official table flips ``deterministic``)."""
from __future__ import annotations

from migrate.rules.base import Plan, Rule


class Randomness(Rule):
    id = 'MIG081'
    name = 'randomness'
    summary = 'seed/deterministic/diff_seed become randomness=dict(seed, deterministic, diff_rank_seed)'
    legacy_keys = ('seed', 'deterministic', 'diff_seed')
    new_keys = ('randomness',)

    def apply(self, plan: Plan) -> None:
        for old, new in (('seed', 'seed'), ('deterministic', 'deterministic'),
                         ('diff_seed', 'diff_rank_seed')):
            if plan.has(old):
                plan.set(('randomness', new), plan.get(old), origin=(old,))
        plan.consume(*self.legacy_keys)
