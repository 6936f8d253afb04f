import datetime as dt

import pytest

from trials.industry.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (dt.date(2025, 3, 3), 5, dt.date(2025, 3, 10)),  # Monday → next Monday
        (dt.date(2025, 3, 7), 1, dt.date(2025, 3, 10)),  # Friday → Monday, over the weekend
        (dt.date(2025, 3, 8), 1, dt.date(2025, 3, 10)),  # received on a Saturday
        # Wednesday before Easter: Maundy Thursday, Good Friday and Easter Monday are holidays.
        (dt.date(2025, 4, 16), 5, dt.date(2025, 4, 28)),
        # 30 April: 1 May (Thursday) is a holiday.
        (dt.date(2025, 4, 30), 5, dt.date(2025, 5, 8)),
        # Christmas: 25 and 26 December and New Year's Day.
        (dt.date(2025, 12, 23), 5, dt.date(2026, 1, 2)),
        # 17 May 2027 is a Monday.
        (dt.date(2027, 5, 14), 1, dt.date(2027, 5, 18)),
    ],
)
def test_deadlines_skip_weekends_and_norwegian_public_holidays(start, days, expected):
    assert add_working_days(start, days) == expected


def test_it_knows_working_days():
    assert is_working_day(dt.date(2025, 5, 16))
    assert not is_working_day(dt.date(2025, 5, 17))  # Constitution Day (a Saturday anyway)
    assert not is_working_day(dt.date(2025, 5, 29))  # Ascension Day, a Thursday
    assert not is_working_day(dt.date(2025, 6, 9))  # Whit Monday
    assert not is_working_day(dt.date(2025, 3, 9))  # Sunday


def test_it_counts_working_days_between_dates():
    assert working_days_between(dt.date(2025, 4, 16), dt.date(2025, 4, 28)) == 5
    assert working_days_between(dt.date(2025, 4, 28), dt.date(2025, 4, 16)) == -5
    assert working_days_between(dt.date(2025, 4, 17), dt.date(2025, 4, 21)) == 0
    assert add_working_days(dt.date(2025, 1, 1), 0) == dt.date(2025, 1, 1)
