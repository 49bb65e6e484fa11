import logging

import pytest

from engine import register_all_modules


@pytest.fixture(autouse=True, scope='session')
def _registered():
    register_all_modules()
    logging.getLogger('engine').setLevel(logging.WARNING)
