"""The Wilson interval, held against every interval the Nordic trial-reporting paper published."""

import csv

import pytest

from trials.results.statistics import percent, wilson_interval

from .conftest import TABLES, needs_data


def _published_intervals():
    for path in sorted(TABLES.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if "conf_int_ll" not in (reader.fieldnames or []):
                continue
            counted = reader.fieldnames[2]  # institution, trials, <what was counted>, …
            for row in reader:
                yield path.name, row, int(row["trials"]), int(row[counted])


@needs_data
def test_it_gives_every_published_confidence_interval():
    checked = 0
    for table, row, trials, count in _published_intervals():
        where = f"{table}: {row['institution']} {count}/{trials}"
        if trials == 0:
            assert wilson_interval(count, trials) is None, where
            continue
        low, high = wilson_interval(count, trials)
        published = (round(float(row["conf_int_ll"]), 1), round(float(row["conf_int_ul"]), 1))
        assert (percent(low), percent(high)) == published, where
        assert percent(count / trials) == round(float(row["percentage"]), 1), where
        checked += 1
    assert checked == 381


def test_one_or_two_at_an_edge_take_the_poisson_bound():
    # Akershus, prospectively registered 8 of 10: plain Wilson would say 94.3 at the top.
    assert tuple(map(percent, wilson_interval(8, 10))) == (49.0, 96.4)
    # One trial of 1 reported: plain Wilson would say 20.7 at the bottom.
    assert tuple(map(percent, wilson_interval(1, 1))) == (5.1, 100.0)
    # 3 of 77 is not near enough to the edge for the Poisson bound.
    assert tuple(map(percent, wilson_interval(3, 77))) == (1.3, 10.8)


def test_it_stays_within_zero_and_one():
    assert wilson_interval(0, 11)[0] == 0.0
    assert percent(wilson_interval(0, 11)[1]) == 25.9
    assert wilson_interval(4, 4)[1] == 1.0


def test_it_refuses_more_successes_than_trials():
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
