"""JSON log lines; imported by the logging config before apps load, so no Django models here."""

import datetime as dt
import json
import logging

ALLOWED_KEYS = {
    "event",
    "user",
    "address",
    "path",
    "target_user",
    "changes",
    "action",
    "permissions",
    "groups",
    "group",
    "client",
    "role",
    "scope",
    "reason",
    "status",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and whitelisted extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ALLOWED_KEYS:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        return json.dumps(data, ensure_ascii=False, default=str)
