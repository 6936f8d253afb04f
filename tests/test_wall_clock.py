"""The suite passes whatever the machine's clock says.

The tests that name an hour of the day (consent and withdrawal forms filled in "today at 08:00")
run on a frozen clock (``frozen_now`` in tests/conftest.py). This runs them again in a fresh
process whose clock says early morning on the first of a month — when such a test would fail if
it read the wall clock — and at midnight on New Year's Eve.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLOCK_SENSITIVE = [
    "tests/consents/test_admin.py",
    "tests/consents/test_recruitment.py",
    "tests/consents/test_canary.py",
]


@pytest.mark.parametrize("wall_clock", ["2026-12-01T06:00:00+01:00", "2026-12-31T23:59:30+01:00"])
def test_the_hour_sensitive_tests_pass_at_any_hour(wall_clock, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env["TEST_WALL_CLOCK"] = wall_clock
    result = subprocess.run(  # noqa: S603 - our own interpreter and test files
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *CLOCK_SENSITIVE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout
