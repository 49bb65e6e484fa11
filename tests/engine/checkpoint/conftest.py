import logging
import os
import sys

import pytest

from engine import register_all_modules

# The checkpoint tests write their files by training the runner tests' toy configs.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'runner'))


@pytest.fixture(autouse=True, scope='session')
def _registered():
    register_all_modules()
    logging.getLogger('engine').setLevel(logging.WARNING)
