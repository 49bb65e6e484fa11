"""Comments about a removed legacy key go with it; empty yapf pairs go too (exact strings)."""
import libcst as cst

from migrate.convert.rewrite import rewrite_module


def _rewrite(text, remove=(), inserts=()):
    module = cst.parse_module(text)
    out = rewrite_module(module, set(remove), list(inserts))
    assert rewrite_module(module, set(remove), list(inserts), text=text) == out
    return out


def test_comment_directly_above_a_removed_key_goes_with_it():
    text = ('model = dict(type="M")\n'
            '# learning policy\n'
            'lr_config = dict(policy="step", step=[8, 11])\n'
            'checkpoint = None\n')
    assert _rewrite(text, {'lr_config'}) == 'model = dict(type="M")\ncheckpoint = None\n'


def test_several_comment_lines_go_a_blank_separated_one_stays():
    text = ('a = 1\n\n'
            '# runtime settings\n\n'
            '# the legacy way\n'
            '#   to say it\n'
            'workflow = [("train", 1)]\n'
            'b = 2\n')
    assert _rewrite(text, {'workflow'}) == 'a = 1\n\n# runtime settings\n\nb = 2\n'


def test_comment_stays_above_the_statement_taking_the_place():
    text = 'a = 1\n# learning policy\nlr_config = dict(policy="fixed")\nb = 2\n'
    out = _rewrite(text, {'lr_config'}, [(1, 'param_scheduler = []')])
    assert out == 'a = 1\n# learning policy\nparam_scheduler = []\nb = 2\n'


def test_comments_carried_to_a_later_replacement_stay():
    # opencv_num_threads and mp_start_method both end up in env_cfg, written in the second's
    # place: both comments still describe what is written there
    text = ('x = 0\n'
            '# disable opencv multithreading\n'
            'opencv_num_threads = 0\n'
            '# fork is faster\n'
            'mp_start_method = "fork"\n')
    out = _rewrite(text, {'opencv_num_threads', 'mp_start_method'},
                   [(2, 'env_cfg = dict(mp_cfg=dict(mp_start_method="fork"))')])
    assert out == ('x = 0\n# disable opencv multithreading\n# fork is faster\n'
                   'env_cfg = dict(mp_cfg=dict(mp_start_method="fork"))\n')


def test_comment_of_a_removed_first_statement_after_a_file_title_goes():
    text = '# my schedule\n\n# checkpoints\ncheckpoint_config = dict(interval=1)\nb = 2\n'
    assert _rewrite(text, {'checkpoint_config'}) == '# my schedule\n\nb = 2\n'


def test_comment_at_the_end_after_a_removed_last_statement():
    text = 'a = 1\n# resume\nresume_from = None\n# end of file\n'
    assert _rewrite(text, {'resume_from'}) == 'a = 1\n# end of file\n'


def test_empty_yapf_pair_goes_with_the_key_it_fenced():
    # MMDet 2.x configs/_base_/default_runtime.py
    text = ('checkpoint = 1\n'
            '# yapf:disable\n'
            'log_config = dict(\n'
            '    interval=50,\n'
            '    hooks=[\n'
            '        dict(type="TextLoggerHook"),\n'
            '        # dict(type="TensorboardLoggerHook")\n'
            '    ])\n'
            '# yapf:enable\n'
            'custom_hooks = [dict(type="NumClassCheckHook")]\n')
    assert _rewrite(text, {'log_config'}) == \
        'checkpoint = 1\ncustom_hooks = [dict(type="NumClassCheckHook")]\n'


def test_yapf_pair_over_several_removed_keys_and_the_file_end():
    # MMSeg 0.x configs/_base_/default_runtime.py: the enable sits above the next legacy key
    text = ('a = 1\n'
            '# yapf: disable\n'
            'log_config = dict(interval=50)\n'
            '# yapf: enable\n'
            'dist_params = dict(backend="nccl")\n'
            'log_level = "INFO"\n')
    assert _rewrite(text, {'log_config', 'dist_params'}) == 'a = 1\nlog_level = "INFO"\n'
    text = 'a = 1\n# yapf:disable\nlog_config = dict(interval=50)\n# yapf:enable\n'
    assert _rewrite(text, {'log_config'}) == 'a = 1\n'


def test_yapf_pair_around_new_statements_or_kept_code_stays():
    text = ('# yapf:disable\n'
            'log_config = dict(interval=50)\n'
            'custom_hooks = []\n'
            '# yapf:enable\n'
            'b = 2\n')
    assert _rewrite(text, {'log_config'}) == \
        '# yapf:disable\ncustom_hooks = []\n# yapf:enable\nb = 2\n'
    out = _rewrite('a = 1\n# yapf:disable\nlog_config = 1\n# yapf:enable\nb = 2\n',
                   {'log_config'}, [(1, 'default_hooks = dict()')])
    assert out == 'a = 1\n# yapf:disable\ndefault_hooks = dict()\n# yapf:enable\nb = 2\n'


def test_a_pair_the_user_left_empty_is_not_ours_to_remove():
    text = 'a = 1\n# yapf:disable\n# yapf:enable\nb = 2\nworkflow = []\n'
    assert _rewrite(text, {'workflow'}) == 'a = 1\n# yapf:disable\n# yapf:enable\nb = 2\n'


def test_crlf_comments_and_pairs():
    text = 'a = 1\r\n# about w\r\n# yapf:disable\r\nworkflow = []\r\n# yapf:enable\r\nb = 2\r\n'
    assert _rewrite(text, {'workflow'}) == 'a = 1\r\nb = 2\r\n'
