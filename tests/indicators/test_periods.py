import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from config.celery import app
from indicators.periods import Period, previous_month

UTC = dt.UTC
OSLO = ZoneInfo("Europe/Oslo")


def test_the_previous_month_is_taken_in_oslo_time_not_utc():
    # 23:30 UTC on 31 October is 00:30 on 1 November in Oslo (winter time, UTC+1).
    assert previous_month(dt.datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == Period.month(2026, 10)
    # 22:30 UTC on 31 March is 00:30 on 1 April in Oslo (summer time, UTC+2).
    assert previous_month(dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == Period.month(2026, 3)
    assert previous_month(dt.datetime(2026, 3, 31, 21, 30, tzinfo=UTC)) == Period.month(2026, 2)
    assert previous_month(dt.datetime(2027, 1, 1, 4, 30, tzinfo=OSLO)) == Period.month(2026, 12)


def test_month_boundaries_across_daylight_saving_changes():
    october = Period.month(2026, 10)  # DST ends on 25 October 2026
    start, end = october.bounds()
    assert (start.utcoffset(), end.utcoffset()) == (dt.timedelta(hours=2), dt.timedelta(hours=1))
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(days=31, hours=1)
    assert Period.month(2026, 12).end == dt.date(2027, 1, 1)
    assert Period.month(2026, 2).last_day == dt.date(2026, 2, 28)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert [str(p) for p in Period.month(2026, 2).months_back(3)] == [
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_periods_are_parsed_with_a_clear_error():
    assert Period.parse("2026-10") == Period.month(2026, 10)
    assert Period.parse("2026") == Period.year(2026)
    with pytest.raises(ValidationError, match="Ugyldig periode"):
        Period.parse("2026-13")


def test_the_monthly_reports_fire_early_on_the_first_in_oslo_time():
    entry = app.conf.beat_schedule["monthly-indicator-reports"]
    schedule = entry["schedule"]
    assert entry["task"] == "indicators.tasks.monthly_reports"
    assert schedule.day_of_month == {1} and schedule.hour == {5} and schedule.minute == {30}
    assert str(app.conf.timezone) == "Europe/Oslo"


def test_the_year_to_date_runs_from_january_through_a_month_and_compares_with_the_same_months():
    ytd = Period.parse("2026-01..10")
    assert ytd == Period.year_to_date(2026, 10) and str(ytd) == "2026-01..10"
    assert (ytd.start, ytd.end) == (dt.date(2026, 1, 1), dt.date(2026, 11, 1))
    assert ytd.previous() == Period.year_to_date(2025, 10)
    assert Period.year(2026).previous() == Period.year(2025)
    today = dt.date(2026, 11, 16)
    assert ytd.is_provisional(today) and Period.year(2026).is_provisional(today)
    assert not Period.year(2025).is_provisional(today)
    with pytest.raises(ValidationError, match="hittil i år"):
        Period.parse("2026-01..13")
