"""Fuzz `migrate convert` with seeded mutations of fixtures/legacy (see convert_fuzzing.py):
on every mutated tree the CLI ends within its time bound, exits 0 or 1 without a traceback,
reports every file, writes only outputs that compile, leaves the input and no .partial behind,
and its output converts to itself. Fixed seed: CI runs the same EXAMPLES trees every time;
scripts/fuzz_convert.py runs more (`--seed S --examples N`)."""
import pytest

from convert_fuzzing import MUTATIONS, make_example, run_example

SEED = 20240611
EXAMPLES = 30


@pytest.mark.parametrize('index', range(EXAMPLES))
def test_mutated_tree_converts_or_reports(tmp_path, index):
    example, failures, _ = run_example(SEED, index, tmp_path)
    assert not failures, (
        f'reproduce: python scripts/fuzz_convert.py --seed {SEED} --start {index} '
        f'--examples 1 --keep DIR\nmutations: {example.mutations}\nfailures: {failures}')


def test_the_fixed_examples_use_every_mutation(tmp_path):
    """The CI examples are not a lucky few kinds: every mutation is applied at least once."""
    used = set()
    for index in range(EXAMPLES):
        example = make_example(SEED, index, tmp_path / str(index))
        used |= {m.rsplit(': ', 1)[-1] for m in example.mutations if ': ' in m}
    assert used == set(MUTATIONS)


def test_examples_are_reproducible(tmp_path):
    a = make_example(SEED, 3, tmp_path / 'a')
    b = make_example(SEED, 3, tmp_path / 'b')
    assert a == b
    assert sorted(p.read_bytes() for p in (tmp_path / 'a').rglob('*.py')) == \
        sorted(p.read_bytes() for p in (tmp_path / 'b').rglob('*.py'))
