"""Reporting periods of the indicators.

Months, years and the year to date are ``sites.periods`` (shared with the participation export);
what is the indicators' own is which annual periods are computed beside a month.
"""

from __future__ import annotations

from sites.periods import YTD, Period, previous_month

__all__ = ["YTD", "Period", "annual_periods", "previous_month"]


def annual_periods(month: Period) -> list[Period]:
    """The annual periods computed beside ``month``: its year to date and its year (provisional
    until December is over). In January the year just ended is computed as a full year."""
    year = month.start.year
    return [Period.year_to_date(year, month.start.month), Period.year(year)]
