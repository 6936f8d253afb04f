"""The nearest-first walk (``near=``) gives exactly the order of the plain definition: a study's
distance is that of its nearest open site in the radius; nearest first, then by id."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sites.models import Organisation
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials import selectors
from trials.models import Study, StudySite
from trials.selectors import search

BERGEN = search.NearPoint(lat=60.39, lon=5.32, radius_km=120)


def _expected(tiers, sites, limit):
    """Brute force: every study's nearest tier, sorted by (distance, id)."""
    nearest: dict[int, float] = {}
    for distance, orgs in tiers:
        for org in orgs:
            for study in sites.get(org, ()):
                nearest[study] = min(nearest.get(study, distance), distance)
    return sorted(((s, d) for s, d in nearest.items()), key=lambda row: (row[1], row[0]))[:limit]


@pytest.mark.parametrize("seed", range(40))
def test_merge_of_cut_per_organisation_lists_is_exact(seed):
    rng = random.Random(seed)
    orgs = list(range(1, rng.randint(2, 12)))
    distances = {org: float(rng.randint(0, 4)) for org in orgs}  # many ties
    sites = {org: sorted(rng.sample(range(1, 40), rng.randint(0, 15))) for org in orgs}
    tiers = search.distance_tiers(distances)
    for limit in (1, 2, 3, 5, 8, 13, 40):
        prefixes = {org: ids[:limit] for org, ids in sites.items()}
        walked = search.nearest_merge(tiers=tiers, prefixes=prefixes, limit=limit)
        assert walked == _expected(tiers, sites, limit)


@pytest.fixture
def portfolio(reference_data):
    """Studies around Bergen with several open sites each, closed sites, ties and hidden rows."""
    rng = random.Random(7)
    bergen, stavanger, fonna = hf("Bergen"), hf("Stavanger"), hf("Fonna")
    twin = Organisation.objects.create(  # same coordinates as Helse Bergen: a tie
        name="Tvilling av Helse Bergen",
        kind=Organisation.Kind.HOSPITAL,
        region=bergen.region,
        latitude=bergen.latitude,
        longitude=bergen.longitude,
    )
    places = [bergen, twin, stavanger, fonna, hf("Førde"), hf("Oslo universitetssykehus")]
    studies = []
    for n in range(30):
        study = StudyFactory(
            is_published=n % 9 != 4,
            category=Study.Category.OBSERVATIONAL if n % 3 else Study.Category.KBS,
        )
        for org in rng.sample(places, rng.randint(1, 3)):
            status = rng.choice([StudySite.Status.OPEN, StudySite.Status.OPEN, "closed"])
            StudySiteFactory(study=study, organisation=org, status=status)
        studies.append(study)
    return studies


def _plain(queryset):
    return [
        (s.pk, s.distance_km)
        for s in search.study_filter_near(queryset=queryset, near=BERGEN).order_by(
            "distance_km", "id"
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("first", [1, 2, 32])
def test_every_page_of_the_walk_matches_the_plain_ordering(portfolio, monkeypatch, first):
    monkeypatch.setattr(search, "NEAREST_ORGANISATIONS_FIRST", first)
    for queryset in (
        selectors.study_public_list(),
        selectors.study_public_list().filter(category=Study.Category.OBSERVATIONAL),
    ):
        expected = _plain(queryset)
        assert len(expected) > 8
        for size in (1, 3, 7, 50):
            walked = []
            for start in range(0, len(expected) + size, size):
                nearest = search.study_nearest_first(queryset=queryset, near=BERGEN)
                nearest.count_up_to(501)
                walked += [(s.pk, s.distance_km) for s in nearest[start : start + size]]
            assert walked == expected
        assert search.study_nearest_first(queryset=queryset, near=BERGEN).count_up_to(501) == len(
            expected
        )


@pytest.mark.django_db
def test_nothing_in_the_radius_is_an_empty_page(portfolio):
    nowhere = search.NearPoint(lat=78.22, lon=15.65, radius_km=5)  # Longyearbyen
    nearest = search.study_nearest_first(queryset=selectors.study_public_list(), near=nowhere)
    assert nearest.count_up_to(501) == 0
    assert nearest[0:20] == []


@pytest.mark.django_db
def test_api_pages_walk_nearest_first_with_other_filters(portfolio):
    cache.clear()
    client = APIClient()
    expected = [
        Study.objects.get(pk=pk).public_id
        for pk, _ in _plain(selectors.study_public_list().filter(category="observational"))
    ]
    seen, url = (
        [],
        "/api/v1/studies/?near=60.39,5.32&radius_km=120&category=observational&page_size=4",
    )
    while url:
        body = client.get(url).json()
        assert body["count"] == len(expected)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == expected
    distances = [
        row["distance_km"]
        for row in client.get("/api/v1/studies/?near=60.39,5.32&radius_km=120").json()["results"]
    ]
    assert distances == sorted(distances)


@pytest.mark.django_db
def test_other_orderings_and_the_cursor_keep_the_near_filter(portfolio):
    cache.clear()
    client = APIClient()
    plain = _plain(selectors.study_public_list())
    public = dict(Study.objects.values_list("pk", "public_id"))
    far_first = client.get("/api/v1/studies/?near=60.39,5.32&radius_km=120&ordering=-distance")
    assert [r["id"] for r in far_first.json()["results"]][:3] == [
        public[pk] for pk, _ in sorted(plain, key=lambda r: (-r[1], -r[0]))[:3]
    ]
    harvested = client.get("/api/v1/studies/?near=60.39,5.32&radius_km=120&cursor=&page_size=100")
    assert [r["id"] for r in harvested.json()["results"]] == sorted(public[pk] for pk, _ in plain)


@pytest.mark.django_db
def test_the_walk_takes_at_most_two_queries_whatever_the_page(portfolio, monkeypatch):
    monkeypatch.setattr(search, "NEAREST_ORGANISATIONS_FIRST", 1)
    queryset = selectors.study_public_queryset()
    for start in (0, 5, 15):
        nearest = search.study_nearest_first(queryset=queryset, near=BERGEN)
        with CaptureQueriesContext(connection) as ctx:
            nearest[start : start + 5]
        # distances are computed on construction; then the walk (1–2) and the rows (1)
        assert len(ctx.captured_queries) <= 3
