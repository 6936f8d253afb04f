"""What the public reads about a page of studies besides their columns (sites, their
organisations, HRCS categories, the number enrolled) is read in one round trip on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consents.models import Enrolment, Participant
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials import selectors
from trials.models import Study

pytestmark = pytest.mark.django_db


def _enrol(study: Study, n: int) -> None:
    site = study.sites.first()
    for i in range(n):
        participant = Participant.objects.create(pseudonym=f"{study.public_id}-{i:04d}")
        Enrolment.objects.create(
            participant=participant, study=study, site=site, included_on=study.opened_on
        )


@pytest.fixture
def page(reference_data) -> list[Study]:
    heart = StudyFactory(lay_title_nb="Hjerte", hrcs=["03", "06"])
    lungs = StudyFactory(lay_title_nb="Lunge", hrcs=["12"])
    empty = StudyFactory(lay_title_nb="Uten steder")
    for study, places in ((heart, ("Stavanger", "Bergen")), (lungs, ("Nord-Norge",))):
        for place in places:
            StudySiteFactory(study=study, organisation=hf(place))
    _enrol(heart, 6)
    return list(selectors.study_public_list().filter(pk__in=[heart.pk, lungs.pk, empty.pk]))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one round trip on PostgreSQL")
def test_a_page_reaches_postgresql_once_for_its_sites_categories_and_enrolments(page):
    selectors.study_attach_public(page)  # the session prepares the statements on its first page
    with CaptureQueriesContext(connection) as ctx:
        attached = {study.lay_title_nb: study for study in selectors.study_attach_public(page)}
    assert len(ctx.captured_queries) == 1
    heart, lungs, empty = attached["Hjerte"], attached["Lunge"], attached["Uten steder"]
    assert [site.organisation_name for site in heart.public_sites] == sorted(
        [hf("Stavanger").name, hf("Bergen").name]
    )
    assert {site.region_code for site in heart.public_sites} == {"helse-vest"}
    assert [site.region_code for site in lungs.public_sites] == ["helse-nord"]
    assert [category.code for category in heart.public_hrcs] == ["03", "06"]
    assert [category.code for category in lungs.public_hrcs] == ["12"]
    assert (heart.enrolled, lungs.enrolled, empty.enrolled) == (6, 0, 0)
    assert (empty.public_sites, empty.public_hrcs) == ([], [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements of PostgreSQL")
def test_the_page_statements_are_prepared_once_per_session_and_again_in_a_new_one(
    transactional_db, page
):
    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM pg_prepared_statements WHERE name LIKE 'public_page_%%'"
            )
            return {name for (name,) in cursor.fetchall()}

    first = selectors.study_attach_public(page)
    assert prepared() == {
        f"public_page_{n}" for n in ("sites", "organisations", "hrcs", "enrolled")
    }
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.study_attach_public(page)
    assert [q["sql"].split("(")[0] for q in ctx.captured_queries] == ["EXECUTE public_page_sites"]
    connection.close()  # a new session (after a restart of the database, a failover)
    fresh = selectors.study_attach_public(page)
    for studies in (again, fresh):
        assert [(s.public_sites, s.public_hrcs, s.enrolled) for s in studies] == [
            (s.public_sites, s.public_hrcs, s.enrolled) for s in first
        ]


def test_a_finder_page_reads_where_the_sites_are_and_whether_they_are_open(page):
    """The finder's list item names the places of a study's sites and whether it takes in
    participants; it reads nothing more of them (no contacts, categories or enrolments), in one
    round trip on PostgreSQL."""
    heart = next(study for study in page if study.lay_title_nb == "Hjerte")
    StudySiteFactory(study=heart, organisation=hf("Nord-Norge"), status="closed")
    finder_page = list(selectors.study_finder_list().filter(pk__in=[s.pk for s in page]))
    selectors.study_attach_places(finder_page)  # prepared on the session's first page
    with CaptureQueriesContext(connection) as ctx:
        attached = {s.lay_title_nb: s for s in selectors.study_attach_places(finder_page)}
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    if connection.vendor == "postgresql":
        assert [q["sql"].split("(")[0] for q in ctx.captured_queries] == [
            "EXECUTE finder_page_sites"
        ]
    else:
        assert "contact_email" not in sql and "enrolment" not in sql and "hrcs" not in sql
    heart, lungs, empty = attached["Hjerte"], attached["Lunge"], attached["Uten steder"]
    places = {(site.place, site.is_open) for site in heart.site_places}
    assert places == {(_place(t), True) for t in ("Stavanger", "Bergen")} | {
        (_place("Nord-Norge"), False)
    }
    assert [site.is_open for site in lungs.site_places] == [True]
    assert empty.site_places == []


def _place(trust: str) -> str:
    """Where the health trust is, as a list item names it: its municipality, else its name."""
    organisation = hf(trust)
    return organisation.municipality.name if organisation.municipality else organisation.name
