"""Calendar periods: the one place that knows where a month or a year begins and ends.

The indicators count by month, year and year to date; the participation export to the national
patient register writes one batch per month. Both take their periods from here, in Oslo time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

_MONTH_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})")
_PERIOD_RE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2}))?")
_YTD_RE = re.compile(r"(?P<year>\d{4})-01\.\.(?P<month>\d{2})")
YTD = "ytd"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``kind="month"``), year (``kind="year"``) or the year to date
    (``kind="ytd"``: 1 January up to and including the month ``through``); ``end`` is exclusive."""

    start: dt.date
    kind: str = "month"
    through: dt.date | None = None

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), "month")

    @classmethod
    def month_of(cls, day: dt.date) -> Period:
        """The month ``day`` is in."""
        return cls.month(day.year, day.month)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), "year")

    @classmethod
    def year_to_date(cls, year: int, month: int) -> Period:
        """1 January to the end of ``month``: a provisional figure for a year not yet over."""
        return cls(dt.date(year, 1, 1), YTD, dt.date(year, month, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` is a month, ``2026`` a year, ``2026-01..10`` January to October 2026."""
        ytd = _YTD_RE.fullmatch(text.strip())
        if ytd and 1 <= int(ytd["month"]) <= 12:
            return cls.year_to_date(int(ytd["year"]), int(ytd["month"]))
        match = _PERIOD_RE.fullmatch(text.strip())
        if not match or (match["month"] and not 1 <= int(match["month"]) <= 12):
            raise ValidationError(
                f"Ugyldig periode «{text}»: bruk ÅÅÅÅ-MM, ÅÅÅÅ eller ÅÅÅÅ-01..MM (hittil i år)."
            )
        if match["month"]:
            return cls.month(int(match["year"]), int(match["month"]))
        return cls.year(int(match["year"]))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """Exactly ``2026-10``: a month and nothing else (no year, no spaces)."""
        match = _MONTH_RE.fullmatch(text)
        if not match or not 1 <= int(match["month"]) <= 12:
            raise ValidationError(f"Ugyldig måned «{text}»: bruk ÅÅÅÅ-MM, for eksempel 2026-10.")
        return cls.month(int(match["year"]), int(match["month"]))

    @property
    def end(self) -> dt.date:
        if self.kind == "year":
            return self.start.replace(year=self.start.year + 1)
        last_month = self.through or self.start  # only the year to date runs through a month
        return (last_month + dt.timedelta(days=32)).replace(day=1)

    @property
    def is_annual(self) -> bool:
        """A year or the year to date: the periods the plan's targets are set for."""
        return self.kind in ("year", YTD)

    def is_provisional(self, today: dt.date) -> bool:
        """The year to date always; a year that is not over yet."""
        return self.kind == YTD or (self.kind == "year" and self.end > today)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        """The period a value is compared with: last month, last year, the same months last year."""
        if self.kind in ("year", YTD):
            return self.same_period_last_year()
        return Period.month_of(self.start - dt.timedelta(days=1))

    def same_period_last_year(self) -> Period:
        through = self.through.replace(year=self.through.year - 1) if self.through else None
        return Period(self.start.replace(year=self.start.year - 1), self.kind, through)

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
        if self.kind == YTD and self.through is not None:
            return f"{self.start:%Y}-01..{self.through:%m}"
        return f"{self.start:%Y-%m}" if self.kind == "month" else f"{self.start:%Y}"


def previous_month(now: dt.datetime | None = None) -> Period:
    """The month before the one that is current in Oslo at ``now``.

    At 00:30 Oslo time on 1 November (23:30 UTC on 31 October) the previous month is October.
    """
    now = now or timezone.now()
    local = timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()
    return Period.month_of(local).previous()
