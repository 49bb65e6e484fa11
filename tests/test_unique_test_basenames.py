"""pytest imports test files by basename (rootdir import mode): two ``test_x.py`` in different
folders stop the whole collection. Catch it here with the names, not as a CI collection error."""
import collections
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def test_test_module_basenames_are_unique():
    seen = collections.defaultdict(list)
    for root, dirs, files in os.walk(HERE):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        for name in files:
            if name.startswith('test_') and name.endswith('.py'):
                seen[name].append(os.path.relpath(os.path.join(root, name), HERE))
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not clashes, f'rename one of each: {clashes}'
