import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from consents.services import export
from indicators import periods as indicator_periods
from sites.periods import Period


def test_the_export_and_the_indicators_count_the_same_months():
    assert indicator_periods.Period is Period
    for month in range(1, 13):
        period = Period.month(2028, month)  # a leap year
        assert export.period_bounds(str(period)) == (period.start, period.last_day)
    assert export.previous_period(dt.date(2027, 1, 5)) == str(Period.month(2026, 12))


def test_a_month_is_exactly_year_and_month():
    assert Period.parse_month("2026-10") == Period.month(2026, 10)
    assert Period.month_of(dt.date(2028, 2, 29)) == Period.month(2028, 2)
    for text in ("2026", "2026-1", "2026-13", " 2026-10", "2026-10\n", "okt-2026", "2026-01..10"):
        with pytest.raises(ValidationError, match="Ugyldig måned"):
            Period.parse_month(text)
