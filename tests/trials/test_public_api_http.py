"""HTTP behaviour of the public API: paging, harvesting, export, caching, throttling, CORS."""

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date
from rest_framework.test import APIClient

from sites.api.throttling import PublicAnonThrottle
from tests.factories import StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def many(reference_data) -> list[Study]:
    studies = [StudySiteFactory(study__hrcs=["02"]).study for _ in range(25)]
    StudySiteFactory(study__is_published=False)
    return studies


def test_pages_are_numbered_for_people_with_a_count(client, many):
    body = client.get("/api/v1/studies/?page_size=10&page=3").json()
    assert body["count"] == 25 and body["count_exact"] is True
    assert len(body["results"]) == 5 and body["next"] is None and "page=2" in body["previous"]


def test_count_is_bounded_on_huge_results(client, many, monkeypatch):
    from sites.pagination import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 20)
    body = client.get("/api/v1/studies/").json()
    assert body["count"] == 20 and body["count_exact"] is False and body["next"]
    # A deeper page is still reachable: the bound grows with the page asked for.
    deep = client.get("/api/v1/studies/?page_size=5&page=5").json()
    assert len(deep["results"]) == 5 and deep["count_exact"] is True and deep["next"] is None


def test_a_cursor_walk_harvests_every_published_study_once(client, many):
    seen: list[str] = []
    url = "/api/v1/studies/?cursor=&page_size=7"
    while url:
        body = client.get(url).json()
        assert "count" not in body
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 25
    assert set(seen) == {s.public_id for s in many}
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    "query",
    ["", "open=true&region=helse-vest&hrcs=02&age=30", "cursor=", "near=60.39,5.32&radius_km=50"],
)
def test_list_query_count_is_constant_whatever_the_page_size(client, many, query):
    client.get(f"/api/v1/studies/?page_size=2&{query}")  # the reference rows are now cached
    counts = []
    for page_size in (1, 25):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/studies/?page_size={page_size}&{query}").status_code == 200
        counts.append(len(ctx.captured_queries))
    # stamps + count + rows + the page's sites, categories and enrolled: never per row, and no
    # lookup of a region or category code (they come from the cache)
    assert counts[0] == counts[1] <= 10


def test_a_list_reads_the_public_stamp_once_and_a_search_is_counted_once_per_change(client, many):
    """The stamp is read once per request (cache key, ETag and count all use it); the count of a
    search is shared by its pages until something public changes."""

    def asked(url: str) -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).json()
        sqls = [q["sql"] for q in ctx.captured_queries]
        stamps = sum("max(updated_at)" in sql for sql in sqls)
        return body["count"], stamps, sum("COUNT(*) FROM (SELECT" in sql for sql in sqls)

    assert asked("/api/v1/studies/?hrcs=02&page_size=10") == (25, 1, 1)
    assert asked("/api/v1/studies/?hrcs=02&page_size=10&page=2") == (25, 1, 0)
    assert asked("/api/v1/studies/?page_size=10&hrcs=02&page=3") == (25, 1, 0)
    assert asked("/api/v1/studies/?hrcs=02&lang=en&page=2&page_size=10") == (25, 1, 0)
    assert asked("/api/v1/studies/?hrcs=03&page_size=10") == (0, 1, 1)  # another search
    StudySiteFactory(study__hrcs=["02"])
    assert asked("/api/v1/studies/?hrcs=02&page_size=10&page=2") == (26, 1, 1)


def test_query_count_does_not_depend_on_page_size(client, many):
    counts = []
    for size in (1, 25):
        with CaptureQueriesContext(connection) as ctx:
            client.get(f"/api/v1/studies/?page_size={size}&near=60.39,5.32&radius_km=50")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_csv_export_streams_everything_the_filter_matches(client, many):
    other = StudySiteFactory(
        study__lay_title_nb="=HYPERLINK(evil)", study__responsible_organisation=hf("Nord-Norge")
    ).study
    response = client.get("/api/v1/studies/export.csv?region=helse-nord")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["id"] for r in rows] == [other.public_id]
    assert rows[0]["lay_title"] == "'=HYPERLINK(evil)"  # no formula reaches a spreadsheet
    everything = client.get("/api/v1/studies/export.csv")
    lines = b"".join(everything.streaming_content).decode().strip().splitlines()
    assert len(lines) == 1 + 26


def test_json_lines_export_has_one_public_study_per_line(client, many):
    response = client.get("/api/v1/studies/export.jsonl?hrcs=02")
    assert response["Content-Type"].startswith("application/jsonl")
    rows = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert {r["id"] for r in rows} == {s.public_id for s in many}


def test_export_query_count_does_not_grow_with_rows(client, reference_data):
    def count(n: int) -> int:
        for _ in range(n):
            StudySiteFactory()
        with CaptureQueriesContext(connection) as ctx:
            b"".join(client.get("/api/v1/studies/export.jsonl").streaming_content)
        return len(ctx.captured_queries)

    assert count(2) == count(12)


def test_etag_and_last_modified_give_304_until_something_changes(client, many):
    first = client.get("/api/v1/studies/?open=true")
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in first["Vary"]

    again = client.get("/api/v1/studies/?open=true", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert (
        client.get("/api/v1/studies/?open=true", HTTP_IF_MODIFIED_SINCE=last_modified).status_code
        == 304
    )
    # Another query or language is another representation.
    assert client.get("/api/v1/studies/?open=false", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert (
        client.get("/api/v1/studies/?open=true&lang=en", HTTP_IF_NONE_MATCH=etag).status_code == 200
    )
    # Unpublishing a study changes the list.
    study = many[0]
    study.is_published = False
    study.save()
    changed = client.get("/api/v1/studies/?open=true", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_detail_answers_conditional_requests(client, many):
    url = f"/api/v1/studies/{many[0].public_id}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    site = StudySite.objects.filter(study=many[0]).first()
    site.contact_phone = "55 97 50 00"
    site.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_304_does_not_query_the_studies(client, many):
    etag = client.get("/api/v1/studies/")["ETag"]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/studies/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(ctx.captured_queries) == 1  # the change stamp, one statement


def test_deleting_a_study_or_a_site_changes_the_etag(client, many):
    url = "/api/v1/studies/?hrcs=02"
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    # Deleting the oldest study leaves every max(updated_at) as it was; the list still changed.
    many[0].delete()
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200 and after["ETag"] != etag
    assert many[0].public_id not in {row["id"] for row in after.json()["results"]}
    etag = after["ETag"]
    StudySite.objects.filter(study=many[1]).delete()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert parse_http_date(client.get(url)["Last-Modified"]) >= parse_http_date(last_modified)


def test_the_nightly_prune_keeps_the_newest_change_and_every_etag(client, many):
    from trials import tasks
    from trials.models import PublicChange

    url = "/api/v1/studies/?hrcs=02"
    PublicChange.objects.all().delete()  # the reference data's own load, before this test
    for study in many[:3]:
        study.delete()  # a study and its site: two rows each
    now = timezone.now()
    PublicChange.objects.update(changed_at=now - dt.timedelta(days=200))
    recent = PublicChange.objects.create(changed_at=now - dt.timedelta(days=10), kind="recent")
    first = client.get(url)
    assert tasks.prune_public_changes.apply().get() == 6
    assert list(PublicChange.objects.all()) == [recent]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["Last-Modified"] == first["Last-Modified"]
    # All of them old: the newest stays, so the stamp cannot move back before a deletion.
    PublicChange.objects.update(changed_at=now - dt.timedelta(days=300))
    second = client.get(url)
    assert tasks.prune_public_changes.apply().get() == 0
    assert client.get(url, HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 304


def test_renaming_a_sponsor_changes_the_etag(client, reference_data):
    from tests.factories import SponsorFactory

    sponsor = SponsorFactory(name="Legemiddel AS")
    study = StudySiteFactory(study__sponsor=sponsor).study
    url = f"/api/v1/studies/{study.public_id}/"
    first = client.get(url)
    assert first.json()["sponsor"]["name"] == "Legemiddel AS"
    sponsor.name = "Legemiddel Norge AS"
    sponsor.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after.json()["sponsor"]["name"] == "Legemiddel Norge AS"


def test_anonymous_clients_are_throttled_with_retry_after(client, reference_data, monkeypatch):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/regions/")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60


def test_the_limit_counts_each_clock_minute_and_says_when_it_opens(
    client, reference_data, monkeypatch
):
    """At most the rate in each clock minute: a client that used it up at 10:15:45 is told to
    come back in 15 seconds, and is served again from 10:16:00."""
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 15, 45, tzinfo=dt.UTC), tick=False):
        statuses = [client.get("/api/v1/regions/").status_code for _ in range(3)]
        limited = client.get("/api/v1/regions/")
    assert statuses == [200, 200, 429]
    assert limited.status_code == 429 and limited["Retry-After"] == "15"
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 16, 0, tzinfo=dt.UTC), tick=False):
        assert client.get("/api/v1/regions/").status_code == 200


def test_the_limit_costs_the_same_at_any_rate(client, reference_data, monkeypatch):
    """A generous limit (a partner's harvester) is one counter per client, not a list of every
    request's time that each request reads and writes back whole."""
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "100000/min"})
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 15, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(30):
            assert client.get("/api/v1/regions/").status_code == 200
        throttle = PublicAnonThrottle()
        key = throttle.get_cache_key(RequestFactory().get("/"), None)
        window = int(dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC).timestamp() // 60)
        assert cache.get(f"{key}:{window}") == 30
        assert cache.get(key) is None


def test_cors_is_open_for_get_on_the_api_only(client, reference_data):
    api = client.get("/api/v1/regions/", HTTP_ORIGIN="https://example.org")
    assert api["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/studies/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = client.get("/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page
    admin = client.get("/admin/login/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in admin


def test_the_api_is_read_only(client, many):
    assert client.post("/api/v1/studies/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/studies/{many[0].public_id}/").status_code == 405


def _plan(queryset: QuerySet) -> str:
    """PostgreSQL's plan for ``queryset`` when it may only read an index in order."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's partial indexes")
def test_the_public_partial_indexes_serve_the_public_queries(many):
    """The index conditions prove the selectors' filters: if either drifts, the index is unusable.

    Each index is asked for on its own (the ids of the public studies; the open sites of each
    study with their organisation, in index order), so the plan does not depend on how the
    planner weighs a whole query's joins on a small table."""
    from trials.selectors import study_public_queryset

    public_ids = study_public_queryset().order_by("id").values("id")
    assert "study_public_idx" in _plan(public_ids)
    open_sites = (
        StudySite.objects.filter(status="open")
        .order_by("study_id", "organisation_id")
        .values("study_id", "organisation_id")
    )
    assert "studysite_open_idx" in _plan(open_sites)
