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
_YTD_RE = re.compile(r"^(?P<year>\d{4})-01\.\.(?P<month>\d{2})$")
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
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), "year")

    @classmethod
    def year_to_date(cls, year: int, month: int) -> Period:
        """1 January to the end of ``month``: a provisional figure for a year not yet over."""
        return cls(dt.date(year, 1, 1), YTD, dt.date(year, month, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-10`` is a month, ``2026`` a year, ``2026-01..10`` January to October 2026."""
        ytd = _YTD_RE.match(text.strip())
        if ytd and 1 <= int(ytd["month"]) <= 12:
            return cls.year_to_date(int(ytd["year"]), int(ytd["month"]))
        match = _PERIOD_RE.match(text.strip())
        if not match or (match["month"] and not 1 <= int(match["month"]) <= 12):
            raise ValidationError(
                f"Ugyldig periode «{text}»: bruk ÅÅÅÅ-MM, ÅÅÅÅ eller ÅÅÅÅ-01..MM (hittil i år)."
            )
        if match["month"]:
            return cls.month(int(match["year"]), int(match["month"]))
        return cls.year(int(match["year"]))

    @property
    def end(self) -> dt.date:
        if self.kind == "year":
            return self.start.replace(year=self.start.year + 1)
        last_month = self.through if self.kind == YTD else self.start
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
        return Period.month(*_prev_month(self.start))

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
        if self.kind == YTD:
            return f"{self.start:%Y}-01..{self.through:%m}"
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


def annual_periods(month: Period) -> list[Period]:
    """The annual periods computed beside ``month``: its year to date and its year (provisional
    until December is over). In January the year just ended is computed as a full year."""
    year = month.start.year
    return [Period.year_to_date(year, month.start.month), Period.year(year)]
