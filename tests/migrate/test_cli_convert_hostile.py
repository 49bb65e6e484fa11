"""`migrate convert` on hostile input: one bad file of each kind inside a tree of good ones."""
import json
import os

import pytest
from click.testing import CliRunner

from migrate.cli import EXIT_INTERNAL, main

GOOD = {
    'det/plain.py': "optimizer = dict(type='SGD', lr=0.01)\nrunner = dict(type='EpochBasedRunner', "
                    "max_epochs=2)\n",
    'det/leaf.py': "_base_ = './plain.py'\nrunner = dict(max_epochs=4)\n",
    'det/bare_cr.py': "optimizer = dict(type='SGD', lr=0.1)\rseed = 1\r",
    'det/lf_cr.py': "optimizer = dict(type='SGD', lr=0.1)\n\rseed = 1\n\r",
    'det/shared_lists.py': 'a0 = [0] * 10\n' + ''.join(f'a{i} = [a{i - 1}] * 10\n'
                                                        for i in range(1, 30)) + 'seed = 0\n',
    'det/power_chain.py': 'a = ' + '**'.join(['2'] * 50) + '\nseed = 0\n',
    'det/side_effects.py': "import os\nos.system('echo hi')\nf = open('/etc/hostname')\n"
                           "optimizer = dict(type='SGD', lr=0.1)\n",
}
BAD = {   # file -> what its error says
    'bad/deep_list.py': ('a = ' + '[' * 1500 + ']' * 1500 + '\n', 'nesting deeper than 200'),
    'bad/add_chain.py': ('a = ' + '+'.join(['1'] * 20000) + '\n', 'nesting deeper than 200'),
    'bad/one_mb_list.py': ('a = [' + ','.join(['1'] * 500_000) + ']\n', '50,000 tokens'),
    'bad/comprehension.py': ('a = [[[[i for i in range(1000)] for j in range(1000)] '
                             'for k in range(1000)] for m in range(1000)]\n',
                             'evaluation work budget exceeded'),
    'bad/nan_warmup.py': ("lr_config = dict(policy='step', step=[8], warmup='linear', "
                          "warmup_iters=500, warmup_ratio=float('nan'))\n", 'warmup_ratio'),
    'bad/inf_warmup.py': ("lr_config = dict(policy='step', step=[8], warmup='linear', "
                          "warmup_iters=1e999, warmup_ratio=0.1)\n",
                          "'lr_config.warmup_iters': inf is not a finite number"),
    'bad/log_int.py': ('log_config = 7\n', 'log_config is an int (7)'),
    'bad/env_resume.py': ("import os\nauto_resume = os.environ.get('RESUME')\n",
                          'cannot be computed statically'),
    'bad/escape.py': ("a = '\\x'\n", 'escape.py:1:'),
    'bad/dup_kw.py': ('a = dict(x=1, x=2)\n', 'keyword argument repeated'),
    'bad/nul.py': ('a = 1\x00\n', 'null bytes'),
    'bad/top_return.py': ('a = 1\nreturn\n', "top_return.py:2:1: syntax error: 'return' "
                                             'outside function'),
    'bad/big.py': ('#' * (3 * 2 ** 20) + '\n', 'file is 3.0 MB, over the 2 MB budget'),
    'bad/child_of_bad.py': ("_base_ = './log_int.py'\nseed = 1\n", 'could not be converted'),
}


def run(*args):
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(map(str, args)))


def write(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='needs FIFOs')
def test_one_bad_file_of_each_kind_never_stops_the_tree(tmp_path):
    src = tmp_path / 'src'
    write(src, GOOD)
    write(src, {rel: text for rel, (text, _) in BAD.items()})
    os.mkfifo(src / 'bad' / 'fifo.py')
    os.symlink('/dev/zero', src / 'bad' / 'zero.py')
    os.mkfifo(src / 'bad' / 'notes.txt')          # not a config: skipped, not copied
    out, report = tmp_path / 'out', tmp_path / 'report.json'
    res = run('convert', src, '-o', out, '--report', report)
    assert res.exit_code == 1, res.stderr
    assert 'Traceback' not in res.stderr
    files = {f['file']: f for f in json.loads(report.read_text())['files']}
    for rel, (_, message) in BAD.items():
        assert any(message in e for e in files[rel]['errors']), (rel, files[rel]['errors'])
        assert not (out / rel).exists()
    assert 'not a regular file (a FIFO)' in files['bad/fifo.py']['errors'][0]
    assert 'a character device' in files['bad/zero.py']['errors'][0]
    assert 'skipped' in res.stderr and 'notes.txt' in res.stderr
    for rel in GOOD:   # written, byte-equal to converting the file alone
        assert not files[rel]['errors'], files[rel]
        alone = tmp_path / 'alone' / rel
        single = run('convert', src / rel, '-o', alone)
        assert single.exit_code == 0, single.stderr
        assert (out / rel).read_bytes() == alone.read_bytes(), rel
    notes = [f['message'] for f in files['det/side_effects.py']['findings']
             if f['kind'] == 'side-effect']
    assert len(notes) == 2 and "os.system('echo hi')" in notes[0]
    assert b'\r' not in (out / 'det' / 'bare_cr.py').read_bytes()


def test_an_internal_failure_is_exit_3_with_the_report_and_the_rest_converted(tmp_path,
                                                                             monkeypatch):
    from migrate.rules.resume import Resume

    def broken(self, plan):
        raise KeyError('boom')
    monkeypatch.setattr(Resume, 'apply', broken)
    src = tmp_path / 'src'
    write(src, GOOD)
    write(src, {'x/resume.py': "resume_from = 'a.pth'\n"})
    out, report = tmp_path / 'out', tmp_path / 'r.json'
    res = run('convert', src, '-o', out, '--report', report)
    assert res.exit_code == EXIT_INTERNAL
    assert 'Traceback' not in res.stderr
    entry = next(f for f in json.loads(report.read_text())['files'] if f['file'] == 'x/resume.py')
    assert 'internal error' in entry['errors'][0]
    assert "KeyError: 'boom'" in entry['errors'][0]
    assert 'test_cli_convert_hostile.py' in entry['errors'][0]   # the last frame
    assert (out / 'det' / 'plain.py').exists() and not (out / 'x' / 'resume.py').exists()


def test_output_never_overwrites_input_or_leaves_the_output_folder(tmp_path):
    src = tmp_path / 'src'
    write(src, GOOD)
    one = src / 'det' / 'plain.py'
    before = one.read_bytes()
    res = run('convert', one, '-o', one)
    assert res.exit_code == 2 and '-o names the input file itself' in res.stderr
    link = tmp_path / 'link.py'
    os.symlink(one, link)
    assert run('convert', one, '-o', link).exit_code == 2
    assert one.read_bytes() == before
    res = run('convert', src, '-o', src / 'det' / 'out')
    assert res.exit_code == 2 and 'inside the source tree' in res.stderr
    elsewhere = tmp_path / 'elsewhere'
    elsewhere.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    os.symlink(elsewhere, out / 'det')
    res = run('convert', src, '-o', out)
    assert res.exit_code == 2 and 'outside the output folder' in res.stderr
    assert os.listdir(elsewhere) == []
    os.unlink(out / 'det')
    os.symlink(src / 'det', out / 'det')
    res = run('convert', src, '-o', out)
    assert res.exit_code == 2 and 'would overwrite the input file' in res.stderr
    assert one.read_bytes() == before
    res = run('convert', src, '--report', one)
    assert res.exit_code == 2 and one.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, 'mkfifo'), reason='needs FIFOs')
def test_a_fifo_as_source_is_refused_unread(tmp_path):
    os.mkfifo(tmp_path / 'cfg.py')
    res = run('convert', tmp_path / 'cfg.py')
    assert res.exit_code == 2 and 'not a regular file (a FIFO)' in res.stderr
