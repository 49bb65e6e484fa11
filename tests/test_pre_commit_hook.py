"""The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit (``try-repo``) on
a temporary git repository, as a user's ``git commit`` would run them."""
import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
LEGACY = ("optimizer = dict(type='SGD', lr=0.02, momentum=0.9)\n"
          'optimizer_config = dict(grad_clip=None)\n'
          '# learning policy\n'
          "lr_config = dict(policy='step', step=[8, 11])\n"
          "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")

pytestmark = pytest.mark.skipif(shutil.which('git') is None, reason='pre-commit needs git')


def _run(args, cwd, env):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def env(tmp_path):
    pytest.importorskip('pre_commit')
    bin_dir = os.path.dirname(sys.executable)   # where `migrate` and `pre-commit` live
    return dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get('PATH', ''),
                PRE_COMMIT_HOME=str(tmp_path / 'cache'), GIT_AUTHOR_NAME='t',
                GIT_AUTHOR_EMAIL='t@example.com', GIT_COMMITTER_NAME='t',
                GIT_COMMITTER_EMAIL='t@example.com', GIT_CONFIG_GLOBAL=os.devnull,
                GIT_CONFIG_NOSYSTEM='1')


@pytest.fixture
def hook_repo(tmp_path, env):
    """A git repository holding this repository's hook file, committed (try-repo reads HEAD)."""
    path = tmp_path / 'hooks'
    path.mkdir()
    shutil.copy(os.path.join(REPO, '.pre-commit-hooks.yaml'), path)
    for args in (['git', 'init', '-q'], ['git', 'add', '.pre-commit-hooks.yaml'],
                 ['git', 'commit', '-q', '-m', 'hooks']):
        assert _run(args, path, env).returncode == 0
    return str(path)


@pytest.fixture
def project(tmp_path, env):
    path = tmp_path / 'project'
    (path / 'configs').mkdir(parents=True)
    assert _run(['git', 'init', '-q'], path, env).returncode == 0
    return path


def _try(hook_repo, hook, project, env, *files):
    for name in files:
        assert _run(['git', 'add', name], project, env).returncode == 0
    args = [sys.executable, '-m', 'pre_commit', 'try-repo', hook_repo, hook, '--files', *files]
    return _run(args, project, env)


def test_a_legacy_config_fails_the_check_naming_its_keys(hook_repo, project, env):
    (project / 'configs' / 'legacy_cfg.py').write_text(LEGACY)
    done = _try(hook_repo, 'migrate-convert', project, env, 'configs/legacy_cfg.py')
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'Failed' in done.stdout
    assert ('/configs/legacy_cfg.py: would convert runner, optimizer, optimizer_config, '
            'lr_config to train_cfg, optim_wrapper, param_scheduler (see it with --diff, '
            'write it with --in-place)\n') in done.stdout
    assert (project / 'configs' / 'legacy_cfg.py').read_text() == LEGACY   # --check writes nothing


def test_a_converted_config_passes(hook_repo, project, env):
    legacy = project / 'configs' / 'legacy_cfg.py'
    legacy.write_text(LEGACY)
    converted = _run(['migrate', 'convert', '-q', str(legacy)], project, env)
    assert converted.returncode == 0, converted.stderr
    (project / 'configs' / 'new_cfg.py').write_text(converted.stdout)
    legacy.unlink()
    done = _try(hook_repo, 'migrate-convert', project, env, 'configs/new_cfg.py')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'Passed' in done.stdout


def test_the_fix_hook_rewrites_in_place_and_fails(hook_repo, project, env):
    legacy = project / 'configs' / 'legacy_cfg.py'
    legacy.write_text(LEGACY)
    expected = _run(['migrate', 'convert', '-q', str(legacy)], project, env).stdout
    done = _try(hook_repo, 'migrate-convert-fix', project, env, 'configs/legacy_cfg.py')
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'files were modified by this hook' in done.stdout
    assert legacy.read_text() == expected
    assert 'lr_config' not in expected and 'param_scheduler = [' in expected


def test_python_files_outside_configs_are_not_read(hook_repo, project, env):
    (project / 'train.py').write_text(LEGACY)   # a script's own `optimizer = ...`
    done = _try(hook_repo, 'migrate-convert', project, env, 'train.py')
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'no files to check' in done.stdout
