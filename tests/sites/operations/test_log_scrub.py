"""The log scrubber itself: what it removes, what it leaves, and that every handler has it."""

import io
import logging
import sys

import pytest
from django.conf import settings

from sites.operations.log_scrub import (
    REMOVED,
    ScrubFilter,
    handler_scrub,
    scrub_record,
    scrub_text,
)
from sites.security.security_log import security_event
from tests.consents.test_canary import CANARIES, CANARY, CANARY_2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '"GET /admin/trials/study/?q=abc HTTP/1.1" 200',
            '"GET /admin/trials/study/?[fjernet] HTTP/1.1" 200',
        ),
        ("/api/v1/studies/?q=hjerte&page=2", "/api/v1/studies/?[fjernet]"),
        ("http://x.no/a?next=/b%3Fq%3D1", "http://x.no/a?[fjernet]"),
        (
            'referrer "https://x.no/admin/?q=Kari Nordmann"',
            'referrer "https://x.no/admin/?[fjernet] Nordmann"',
        ),
        (f"Not Found: /participants/{CANARY}/", "Not Found: /participants/[fjernet]/"),
        (f"fnr={CANARY_2}", "fnr=[fjernet]"),
        (f"{CANARY[:6]} {CANARY[6:]}", REMOVED),
        (f"{CANARY[:6]}-{CANARY[6:]}", REMOVED),
        (f"{CANARY[:6]}.{CANARY[6:]}", REMOVED),
        ("０１０１０１１２３４５", REMOVED),  # fullwidth digits: refused by the validator, not here
        ("x123456789012y", "x[fjernet]y"),  # a number glued to more digits is still scrubbed
        # Left as they are: no query, fewer than 11 digits.
        ("Er du sikker? Ja.", "Er du sikker? Ja."),
        ("address 192.168.100.200", "address 192.168.100.200"),
        ("orgnr 983658776, id 1234567890", "orgnr 983658776, id 1234567890"),
        ("2026-11-30 10:12:28,935", "2026-11-30 10:12:28,935"),
        ("SELECT 1 WHERE a = ? AND b IN (?, ?)", "SELECT 1 WHERE a = ? AND b IN (?, ?)"),
    ],
)
def test_scrub_text(text, expected):
    assert scrub_text(text) == expected


def _record(msg, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_a_record_is_scrubbed_in_message_extras_and_traceback():
    try:
        raise ValueError(f"invalid literal for int() with base 10: '{CANARY}x'")
    except ValueError:
        exc_info = sys.exc_info()
    record = _record(
        "request %s failed for %s",
        f"/admin/?q={CANARY}",
        CANARY_2,
        exc_info=exc_info,
        path=f"/x/{CANARY}/",
        user=CANARY_2,
        changes={"national_id": [CANARY, CANARY_2]},
    )
    scrub_record(record)
    text = logging.Formatter("%(message)s %(path)s %(user)s %(changes)s").format(record)
    assert "ValueError" in text and "/admin/?[fjernet]" in text
    for number in CANARIES:
        assert number not in text


def test_a_message_that_does_not_format_is_scrubbed_and_does_not_raise():
    record = _record("%d people", CANARY)
    scrub_record(record)
    assert CANARY not in record.getMessage()


def test_scrubbing_twice_changes_nothing():
    record = _record("GET /a/?q=%s", CANARY)
    once = scrub_record(record).getMessage()
    assert scrub_record(record).getMessage() == once == "GET /a/?[fjernet]"


def test_every_configured_handler_declares_the_filter():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "scrub" in handler.get("filters", []), name
    assert settings.LOGGING_CONFIG == "sites.operations.log_scrub.logging_configure"


def test_every_handler_of_every_logger_has_the_filter_first():
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    seen = 0
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's own capture, added after configuration
            assert isinstance(handler.filters[0], ScrubFilter), (logger.name, handler)
            seen += 1
    assert seen >= 4  # console, security, django.server, Django's mail_admins


def test_a_record_is_scrubbed_when_made_whatever_handler_writes_it():
    assert getattr(logging.getLogRecordFactory(), "scrubs", False)
    stream = io.StringIO()
    bare = logging.StreamHandler(stream)  # no filter: as a library or Celery would add one
    logger = logging.getLogger("tests.log_scrub.bare")
    logger.setLevel(logging.WARNING)  # not the root's level, which a test worker may have raised
    logger.addHandler(bare)
    logger.propagate = False
    try:
        logger.warning("search %s from /admin/?q=%s", CANARY, CANARY_2)
    finally:
        logger.removeHandler(bare)
    assert stream.getvalue() == "search [fjernet] from /admin/?[fjernet]\n"


def test_handler_scrub_puts_the_filter_before_one_that_rejects():
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(lambda record: False)
    handler_scrub(handler)
    handler_scrub(handler)
    assert isinstance(handler.filters[0], ScrubFilter)
    assert sum(isinstance(f, ScrubFilter) for f in handler.filters) == 1


def test_the_security_log_writes_no_number():
    """The JSON security log as configured: a username or path with a number is scrubbed."""
    [handler] = [
        h for h in logging.getLogger("security").handlers if type(h) is logging.StreamHandler
    ]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        security_event("login_failed", user=CANARY, reason=f"/admin/?q={CANARY_2}")
    finally:
        handler.setStream(old)
    line = stream.getvalue()
    assert '"event": "login_failed"' in line and '"user": "[fjernet]"' in line
    for number in CANARIES:
        assert number not in line


def test_the_celery_worker_logs_get_the_filter():
    """Celery replaces the root logger's handlers when a worker starts; its signal puts the filter
    back on whatever it set up."""
    from celery import signals

    import config.celery  # noqa: F401 - connects the receivers

    handler = logging.StreamHandler(io.StringIO())
    logger = logging.getLogger("tests.log_scrub.worker")
    logger.addHandler(handler)
    try:
        signals.after_setup_logger.send(sender=None, logger=logger)
        assert isinstance(handler.filters[0], ScrubFilter)
    finally:
        logger.removeHandler(handler)
