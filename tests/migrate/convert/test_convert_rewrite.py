"""Source-level edits: comments and layout outside rewritten keys survive, CRLF is kept."""
import os

from migrate.convert.converter import Converter


def write(tmp_path, name, text, newline='\n'):
    path = tmp_path / name
    path.write_bytes(text.replace('\n', newline).encode())
    return str(path)


SRC = '''# header comment stays
_base_ = []
model = dict(type='Toy')  # trailing comment stays

# optimizer
optimizer = dict(type='SGD', lr=0.02, momentum=0.9)
optimizer_config = dict(grad_clip=None)
# the end
runner = dict(type='EpochBasedRunner', max_epochs=2)
custom = 1
'''


def test_comments_order_and_untouched_keys(tmp_path):
    result = Converter().convert(write(tmp_path, 'a.py', SRC))
    assert result.error is None
    out = result.text_out
    assert out.startswith("# header comment stays\n_base_ = []\nmodel = dict(type='Toy')  "
                          '# trailing comment stays\n\n# optimizer\n')
    assert '# the end\ntrain_cfg = dict(type=\'EpochBasedTrainLoop\', max_epochs=2)\n' in out
    assert out.endswith('custom = 1\n')
    assert 'optimizer_config' not in out and 'runner' not in out
    assert result.untouched == ['model', 'custom']
    assert sorted(result.removed) == ['optimizer', 'optimizer_config', 'runner']


def test_crlf_is_preserved(tmp_path):
    result = Converter().convert(write(tmp_path, 'crlf.py', SRC, '\r\n'))
    assert result.error is None
    assert '\r\n' in result.text_out
    assert '\n' not in result.text_out.replace('\r\n', '')
    again = Converter().convert(write(tmp_path, 'crlf2.py', result.text_out))
    assert again.text_out == again.text_in


def test_input_is_never_executed(tmp_path):
    marker = tmp_path / 'executed'
    src = (f"import os\nos.system('touch {marker}')\nopen('{marker}', 'w')\n"
           "runner = dict(type='EpochBasedRunner', max_epochs=1)\n")
    result = Converter().convert(write(tmp_path, 'evil.py', src))
    assert result.error is None
    assert not os.path.exists(marker)
    assert "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1)" in result.text_out


def test_leaf_override_gets_complete_values(tmp_path):
    os.makedirs(tmp_path / '_base_')
    write(tmp_path, '_base_/sched.py',
          "optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)\n"
          "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")
    leaf = write(tmp_path, 'leaf.py', "_base_ = './_base_/sched.py'\n"
                 "optimizer = dict(_delete_=True, type='AdamW', lr=0.001)\n"
                 'runner = dict(max_epochs=24)\n')
    converter = Converter()
    result = converter.convert(leaf)
    assert result.error is None
    assert result.text_out == (
        "_base_ = './_base_/sched.py'\n"
        "optim_wrapper = dict(optimizer=dict(_delete_=True, type='AdamW', lr=0.001))\n"
        'train_cfg = dict(max_epochs=24)\n')
    view = converter.converted_view(leaf)
    assert view['optim_wrapper'] == dict(type='OptimWrapper',
                                         optimizer=dict(type='AdamW', lr=0.001))
    assert view['train_cfg'] == dict(type='EpochBasedTrainLoop', max_epochs=24)
