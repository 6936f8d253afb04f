"""The results-reporting league table reproduces the paper's figures for the nine Norwegian
institutions, read from the published tables."""

import csv

import pytest
from django.core.management import call_command

from trials.results.models import ResultsReport
from trials.results.selectors import results_league_table
from trials.results.services import results_load_nordic

from .conftest import NORWAY, needs_data, published_table

pytestmark = [pytest.mark.django_db, needs_data]

COLUMNS = {
    "summary-1year": ("summary_within_12m_after_CD", "summary_within_12_months"),
    "stats-2years": ("publ_within_24m_after_CD", "reported_within_24_months"),
    "stats-anyreport": ("any results reporting", "any_reporting"),
}


@pytest.fixture
def loaded():
    return results_load_nordic(path=NORWAY)


def test_it_reproduces_the_published_institution_tables(loaded):
    table = {row.institution: row for row in results_league_table(country="Norway")}
    assert len(table) == 9
    for name, (published_column, ours) in COLUMNS.items():
        published = published_table(name)
        for institution, row in table.items():
            expected = published[institution]
            share = getattr(row, ours)
            assert row.trials == int(expected["trials"]), institution
            assert share.count == int(expected[published_column]), (name, institution)
            assert share.percentage == round(float(expected["percentage"]), 1)
            assert (share.ci_low, share.ci_high) == (
                round(float(expected["conf_int_ll"]), 1),
                round(float(expected["conf_int_ul"]), 1),
            ), (name, institution)


def test_oslo_university_hospital_as_the_reproduction_notes_say(loaded):
    (ous,) = [r for r in results_league_table(country="Norway") if r.institution.startswith("Oslo")]
    assert (ous.trials, ous.reported_within_24_months.count) == (102, 50)
    assert (ous.any_reporting.count, ous.summary_within_12_months.count) == (80, 1)


def test_a_second_load_changes_nothing(loaded):
    assert (loaded.created, loaded.errors) == (328, [])
    again = results_load_nordic(path=NORWAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 328)


def test_the_table_is_one_query(loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        results_league_table(country="Norway")


def test_a_bad_row_is_named_and_the_rest_load(tmp_path):
    with NORWAY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:4]
    rows[1][rows[0].index("completion_date")] = "2017-13-45"
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = results_load_nordic(path=path)
    assert result.created == ResultsReport.objects.count() == 2
    assert len(result.errors) == 1 and result.errors[0].startswith("2010-022307-22: ")


def test_the_command_loads_and_says_so(capsys):
    call_command("load_trial_reporting", str(NORWAY))
    assert "Nye: 328" in capsys.readouterr().out


def test_a_trial_led_by_two_institutions_counts_for_each_as_in_the_paper():
    from trials.results.selectors import institution_names

    assert institution_names("Aarhus University Hospital;Aarhus University") == [
        "Aarhus University Hospital",
        "Aarhus University",
    ]
    # The paper counts Huddinge's one trial under Karolinska University Hospital (48 = 47 + 1).
    assert institution_names("Huddinge Hospital") == ["Karolinska University Hospital"]
