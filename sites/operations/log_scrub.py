"""No identity number and no query string in any log line.

What a person typed into a search box (the admin's ``?q=…``), a public API query or a mistyped
link reaches the logs only through the query string of a logged URL, path or request line; an
identity number can also appear in a path, a username or an exception message. Every log record
therefore goes through ``scrub_record`` before any handler writes it:

- a query string after a path or URL is replaced: ``/admin/consents/participant/?[fjernet]``;
- every run of 11 or more digits, and 6 + 5 digits with one space, dot or hyphen between them
  (``248868 97487``), is replaced by ``[fjernet]``.

Why every run of 11 digits rather than only those that pass the identity-number check: the check
lives in ``consents`` (``sites`` may not import it) and changes in 2032; a number with a typo fails
the check and is still, nearly, someone's number; D-, H- and synthetic numbers each bend the rules.
Nothing in the logs needs an 11-digit number (organisation numbers have 9 digits, ids and times
fewer), so the simple rule is the safe one. ``\\d`` also matches non-ASCII digits (fullwidth
``２４８…``), which the validator refuses but a log line would still show.

Three places apply it, so that no handler escapes:

- ``ScrubFilter`` on every handler in ``settings.LOGGING`` (console, security JSON, django.server);
- ``logging_configure`` (``settings.LOGGING_CONFIG``) adds it to every other handler already
  attached (Django's defaults, such as mail_admins) and installs a log-record factory that scrubs
  each message as it is made, for handlers set up later by others (Celery's worker, pytest);
- ``sites.operations.gunicorn_logging`` does it for gunicorn's access and error logs.

Imported by the logging configuration before the apps load: no Django models here.
"""

import logging
import logging.config
import re
from typing import Any

REMOVED = "[fjernet]"

_QUERY = re.compile(r"(?<=[\w/.~%-])\?[^\s\"'<>]+")
_DIGITS = re.compile(r"(?<!\d)(?:\d{6}[ .-]\d{5}|\d{11,})(?!\d)")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "_scrubbed",
}


def scrub_text(text: str) -> str:
    """``text`` without query strings and without runs of 11 digits."""
    if "?" in text:
        text = _QUERY.sub("?" + REMOVED, text)
    return _DIGITS.sub(REMOVED, text)


def _scrub_value(value: Any, depth: int = 0) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if depth > 5:
        return value
    if isinstance(value, dict):
        return {_scrub_value(k, depth + 1): _scrub_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_scrub_value(v, depth + 1) for v in value)
    return value


def _scrub_message(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format must not hide the text, nor raise here
        message = f"{record.msg} {record.args!r}"
    record.msg = scrub_text(str(message))
    record.args = ()


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Scrub the message, the extra fields, the traceback and the stack of ``record`` in place
    (once: a record passing several handlers is scrubbed by the first)."""
    if getattr(record, "_scrubbed", False):
        return record
    _scrub_message(record)
    for key, value in list(record.__dict__.items()):
        if key not in _STANDARD:
            record.__dict__[key] = _scrub_value(value)
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = scrub_text(record.exc_text)
    if record.stack_info:
        record.stack_info = scrub_text(record.stack_info)
    record._scrubbed = True
    return record


class ScrubFilter(logging.Filter):
    """A handler filter that scrubs the record (see the module) and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record)
        return True


def handler_scrub(handler: logging.Handler) -> None:
    """Put a ScrubFilter first on ``handler`` (a filter that rejects would otherwise stop it)."""
    if not any(isinstance(f, ScrubFilter) for f in handler.filters):
        handler.filters.insert(0, ScrubFilter())


def handlers_scrub_all() -> None:
    """A ScrubFilter on every handler of every logger that exists now."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in list(logging.Logger.manager.loggerDict.values())
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in list(logger.handlers):
            handler_scrub(handler)


def record_factory_install() -> None:
    """Scrub every record's message when it is made, whatever handler later writes it."""
    current = logging.getLogRecordFactory()
    if getattr(current, "scrubs", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = current(*args, **kwargs)
        _scrub_message(record)
        return record

    factory.scrubs = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def logging_configure(config: dict) -> None:
    """``settings.LOGGING_CONFIG``: Django's dictConfig, then scrubbing everywhere."""
    logging.config.dictConfig(config)
    record_factory_install()
    handlers_scrub_all()
