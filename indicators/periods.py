"""Reporting periods: the one place that knows where a month or a year begins and ends."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

_PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``kind="month"``) or year (``kind="year"``); ``end`` is exclusive."""

    start: dt.date
    kind: str = "month"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), "month")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), "year")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` is a month, ``2026`` a year."""
        match = _PERIOD_RE.match(text.strip())
        if not match or (match["month"] and not 1 <= int(match["month"]) <= 12):
            raise ValidationError(f"Ugyldig periode «{text}»: bruk ÅÅÅÅ-MM eller ÅÅÅÅ.")
        if match["month"]:
            return cls.month(int(match["year"]), int(match["month"]))
        return cls.year(int(match["year"]))

    @property
    def end(self) -> dt.date:
        if self.kind == "year":
            return self.start.replace(year=self.start.year + 1)
        return (self.start + dt.timedelta(days=32)).replace(day=1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period.month(*_prev_month(self.start))

    def same_period_last_year(self) -> Period:
        return Period(self.start.replace(year=self.start.year - 1), self.kind)

    def months_back(self, count: int) -> list[Period]:
        """This month and the ``count - 1`` months before it, oldest first."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes of the period's start and end (exclusive) in Oslo time."""
        tz = ZoneInfo(settings.TIME_ZONE)
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end, dt.time.min, tzinfo=tz),
        )

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}" if self.kind == "month" else f"{self.start:%Y}"


def _prev_month(day: dt.date) -> tuple[int, int]:
    return (day.year - 1, 12) if day.month == 1 else (day.year, day.month - 1)


def previous_month(now: dt.datetime | None = None) -> Period:
    """The month before the one that is current in Oslo at ``now``.

    At 00:30 Oslo time on 1 November (23:30 UTC on 31 October) the previous month is October.
    """
    now = now or timezone.now()
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
    return Period.month(*_prev_month(local))
