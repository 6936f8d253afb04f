"""A gunicorn worker, once it has loaded the app, leaves it out of the cycle collector's passes."""

import gc
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_worker_freezes_the_loaded_app_and_its_views(unfrozen):
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert gc.get_freeze_count() == 0
    hooks["post_worker_init"](None)
    assert gc.get_freeze_count() > 50_000  # the app's modules, classes and URL patterns
