import json
import logging

import pytest
from django.contrib.auth import get_user_model

from sites.security.log_format import JsonFormatter

PASSWORD = "pw-for-tests-only-1"


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def security_log():
    """The JSON lines written to the ``security`` logger during the test."""
    handler = _Lines()
    logger = logging.getLogger("security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="forsker", password=PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def two_factor(settings):
    settings.REQUIRE_2FA = True
