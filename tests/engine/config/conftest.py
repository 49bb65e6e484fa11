import textwrap
from pathlib import Path

import pytest


@pytest.fixture
def write(tmp_path):
    """``write('sub/a.py', source)`` writes a dedented file under tmp_path and returns its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip('\n'), encoding='utf-8')
        return path

    return _write
