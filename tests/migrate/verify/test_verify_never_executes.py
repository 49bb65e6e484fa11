"""`migrate verify --schedule-only` reads both the legacy and the converted tree statically: a
config whose files, base and custom_imports would create files or import modules if run gets
its verdict, and nothing is created or imported (checked in a fresh interpreter)."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))

#: Would run in the child interpreter: the CLI, then the marker modules it imported.
CHILD = textwrap.dedent('''
    import json, sys
    from migrate.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit as e:
        code = e.code
    imported = sorted(m for m in sys.modules if m.startswith('verify_marker'))
    print('IMPORTED=' + json.dumps(imported))
    sys.exit(code)
''')

LR_CONFIGS = {
    'exact': "dict(policy='step', warmup='linear', warmup_iters=30, warmup_ratio=0.001, "
             "step=[2, 3])",
    # by-epoch warmup without --epoch-len: the mmengine form is an approximation
    'approximated': "dict(policy='step', warmup='linear', warmup_iters=1, warmup_by_epoch=True, "
                    "warmup_ratio=0.001, step=[2, 3])",
}


def _marker_module(path, marker):
    path.write_text(f'open({str(marker)!r}, "w").write("imported")\n')


def _tree(tmp_path, lr_config):
    """A legacy leaf over a base; both would write files, the leaf imports a module and
    names another in custom_imports."""
    mods, cfgs = tmp_path / 'mods', tmp_path / 'cfgs'
    (cfgs / '_base_').mkdir(parents=True)
    mods.mkdir()
    _marker_module(mods / 'verify_marker_custom.py', tmp_path / 'marker_custom_imports')
    _marker_module(mods / 'verify_marker_import.py', tmp_path / 'marker_import')
    (cfgs / '_base_' / 'schedule.py').write_text(textwrap.dedent(f'''\
        import os
        os.makedirs({str(tmp_path / 'marker_base_dir')!r})
        open({str(tmp_path / 'marker_base')!r}, 'w').write('ran')
        optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)
        optimizer_config = dict(grad_clip=None)
        lr_config = {lr_config}
        runner = dict(type='EpochBasedRunner', max_epochs=4)
        '''))
    leaf = cfgs / 'leaf.py'
    leaf.write_text(textwrap.dedent(f'''\
        _base_ = ['./_base_/schedule.py']
        import verify_marker_import
        open({str(tmp_path / 'marker_leaf')!r}, 'w').write('ran')
        custom_imports = dict(imports=['verify_marker_custom'], allow_failed_imports=False)
        '''))
    return leaf, mods


def _verify_in_child(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / 'mods'), REPO]))
    proc = subprocess.run([sys.executable, '-c', CHILD, 'verify', *map(str, args)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    imported = [json.loads(line[len('IMPORTED='):]) for line in proc.stdout.splitlines()
                if line.startswith('IMPORTED=')]
    return proc, imported[0]


def _markers(tmp_path):
    return sorted(p.name for p in tmp_path.iterdir() if p.name.startswith('marker'))


@pytest.mark.parametrize('case, exit_code, verdict', [('exact', 0, 'SAME: 400 iterations'),
                                                      ('approximated', 1, 'DIFFERENT')])
def test_verify_creates_and_imports_nothing_and_gives_its_verdict(tmp_path, case, exit_code,
                                                                   verdict):
    leaf, mods = _tree(tmp_path, LR_CONFIGS[case])
    keep = tmp_path / 'kept'
    # no --epoch-len: the by-epoch warmup is then approximated under --target mmengine
    proc, imported = _verify_in_child(tmp_path, leaf, '--schedule-only', '--keep', keep)
    assert proc.returncode == exit_code, proc.stderr
    assert verdict in proc.stdout
    assert 'Traceback' not in proc.stderr
    assert imported == []
    assert _markers(tmp_path) == []
    # the converted files verify read keep the statements that would have run
    converted = (keep / 'leaf.py').read_text()
    assert 'verify_marker_custom' in converted and 'marker_leaf' in converted
    assert 'makedirs' in (keep / '_base_' / 'schedule.py').read_text()


def test_the_marker_tree_does_run_when_executed(tmp_path):
    """The markers are real: executing the converted leaf (as a loader that runs configs
    would) creates them, so their absence above means verify did not execute anything."""
    leaf, mods = _tree(tmp_path, LR_CONFIGS['exact'])
    env = dict(os.environ, PYTHONPATH=str(mods))
    code = ('import runpy, sys; runpy.run_path(sys.argv[1] + "/_base_/schedule.py"); '
            'runpy.run_path(sys.argv[1] + "/leaf.py"); import verify_marker_custom')
    subprocess.run([sys.executable, '-c', code, str(leaf.parent)], env=env, check=True,
                   timeout=60)
    assert _markers(tmp_path) == ['marker_base', 'marker_base_dir', 'marker_custom_imports',
                                  'marker_import', 'marker_leaf']
