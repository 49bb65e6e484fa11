"""rewrite_module splices text: exact strings for removals, inserts, comments, line endings."""
import libcst as cst

from migrate.convert.rewrite import rewrite_module


def _rewrite(text, remove=(), inserts=(), inline=None):
    return rewrite_module(cst.parse_module(text), set(remove), list(inserts), inline)


def test_insert_takes_the_place_and_comments_of_the_removed_statement():
    text = '# head\n\na = 1\n# about b\nb = 2  # trailing\nc = 3\n'
    out = _rewrite(text, {'b'}, [(1, 'new = dict(x=1)')])
    assert out == '# head\n\na = 1\n# about b\nnew = dict(x=1)\nc = 3\n'


def test_comment_lines_of_an_insert_are_kept():
    out = _rewrite('a = 1\nb = 2\n', {'b'}, [(1, '# migrate[MIG100]: note\nnew = 1')])
    assert out == 'a = 1\n# migrate[MIG100]: note\nnew = 1\n'


def test_the_file_opening_comment_stays_when_its_statement_goes():
    # the first lines of a file may be a title or a licence as well as the first key's comment
    out = _rewrite('# about a\na = 1\n\n# about c\nc = 3\n', {'a'})
    assert out == '# about a\n\n# about c\nc = 3\n'


def test_insert_before_a_survivor_drops_the_removed_statement_comment():
    out = _rewrite('x = 0\n# about a\na = 1\nc = 3\n', {'a'}, [(2, 'new = 1')])
    assert out == 'x = 0\nnew = 1\nc = 3\n'


def test_tail_insert_after_a_blank_line():
    assert _rewrite('a = 1\n', (), [(None, 'new = 1')]) == 'a = 1\n\nnew = 1\n'
    # the appended statement does not take b's place (it would be at b's index): b's comment
    # goes with b
    out = _rewrite('a = 1\n# about b\nb = 2\n', {'b'}, [(None, 'new = 1')])
    assert out == 'a = 1\n\nnew = 1\n'
    # comments after the last statement are the module's footer: they stay last
    assert _rewrite('a = 1\n# end\n', {'a'}, [(None, 'new = 1')]) == 'new = 1\n# end\n'


def test_crlf_and_missing_final_newline():
    out = _rewrite('a = 1\r\nb = 2', {'b'}, [(1, 'new = dict(\n    x=1,\n)')])
    assert out == 'a = 1\r\nnew = dict(\r\n    x=1,\r\n)'


def test_emptied_module_keeps_one_newline():
    assert _rewrite('workflow = [1]\n', {'workflow'}) == '\n'


def test_references_to_removed_keys_are_inlined_only_where_used():
    text = ('total_epochs = 12\nrunner = dict(max_epochs=total_epochs)\n'
            'other = dict(total_epochs=1)\n')
    out = _rewrite(text, {'total_epochs'}, inline={'total_epochs': '12'})
    assert out == 'runner = dict(max_epochs=12)\nother = dict(total_epochs=1)\n'


TRICKY = [
    '# header\n\n"""doc\nstring"""\nimport os\n\n\n# about a\na = 1; b = 2\n',
    '@decorator\n# between\n@other(x=1)\ndef f():\n    pass\n    # indented end\n\n# c\nc = 3\n',
    'if True:\n    x = 1\n# dedented\nelse_ = 2\n\n\n# trailing\n\n',
    'a = (1 +\n     2)\nb = 3 \\\n    + 4\nc = """x\n\ny"""  # end\n',
    'a = 1\r\n# crlf\r\nb = 2\r\n\r\n# foot\r\n',
    'a = 1\n# no newline at the end',
    'a = 1',
    '',
    '\n\n# only comments\n',
    'class C:\n    y = 1\n\n\nz = C.y\n',
]


def _fixture_texts():
    import glob
    import os
    root = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'fixtures', 'legacy')
    for path in sorted(glob.glob(os.path.join(root, '**', '*.py'), recursive=True)):
        with open(path, encoding='utf-8', newline='') as f:
            yield f.read()


def test_statements_cut_from_the_text_are_their_generated_code():
    from migrate.convert.rewrite import _cut
    checked = 0
    for text in TRICKY + list(_fixture_texts()):
        module = cst.parse_module(text)
        pieces = _cut(module, text)
        if pieces is None:
            continue
        assert ''.join(pieces) == text
        assert pieces[1:-1] == [module.code_for_node(s) for s in module.body], text
        checked += 1
    assert checked >= len(TRICKY) - 2 + 100


def test_rewrite_is_the_same_with_or_without_the_text():
    for text in TRICKY:
        module = cst.parse_module(text)
        remove = {'a', 'c', 'else_'}
        inserts = [(None, 'new = 1')]
        assert rewrite_module(module, remove, inserts, text=text) == \
            rewrite_module(module, remove, inserts)
