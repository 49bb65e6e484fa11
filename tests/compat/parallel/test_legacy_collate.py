"""compat.parallel.collate against MMCV 1.7.2's collate (fixtures/goldens/legacy_parallel.json)."""
import json
from pathlib import Path

import pytest
import torch

from compat.parallel import DataContainer, collate

CASES = sorted(json.loads((Path(__file__).resolve().parents[3] / 'fixtures' / 'goldens'
                           / 'legacy_parallel.json').read_text())['collate'])


@pytest.mark.parametrize('name', CASES)
def test_collate_equals_mmcv(name, goldens, specs):
    case = goldens['collate'][name]
    batch = [specs.build(sample) for sample in case['samples']]
    assert specs.encode(collate(batch, case['samples_per_gpu'])) == case['output']


def test_golden_covers_the_brief():
    assert {'images_pad2_spg2', 'unstacked_boxes', 'cpu_only_metas', 'mmdet_train_batch',
            'mmdet_test_dict_of_lists', 'pad_dims_3', 'pad_dims_none_same_sizes'} <= set(CASES)


def test_non_padded_dims_must_agree():
    batch = [DataContainer(torch.zeros(3, 2, 2), stack=True),
             DataContainer(torch.zeros(1, 2, 2), stack=True)]
    with pytest.raises(ValueError, match=r'sample 1 has size \(1, 2, 2\).*last 2 dims'):
        collate(batch, samples_per_gpu=2)


def test_too_few_dims_to_pad():
    with pytest.raises(ValueError, match='2 dims cannot be padded over its last 2 dims'):
        collate([DataContainer(torch.zeros(2, 2), stack=True)])


def test_stacked_container_needs_a_tensor():
    with pytest.raises(TypeError, match='stack=True DataContainer must hold a tensor'):
        collate([DataContainer([1, 2], stack=True)])


def test_strings_name_the_fix_instead_of_recursing():
    with pytest.raises(TypeError, match=r'cpu_only=True'):
        collate(['a.jpg', 'b.jpg'])


def test_missing_key_names_the_sample_and_key():
    with pytest.raises(KeyError, match="sample 1 has no key 'label'"):
        collate([{'x': 1, 'label': 2}, {'x': 3}])


@pytest.mark.parametrize('batch, error', [(None, TypeError), ([], ValueError)])
def test_not_a_batch(batch, error):
    with pytest.raises(error, match='collate: '):
        collate(batch)
