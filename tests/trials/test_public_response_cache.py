"""The shared cache of whole public responses: a repeated request is answered from the cache
without touching the database, and a change to a published study is visible at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.views.decorators.cache import cache_control

from sites.api.throttling import PublicAnonThrottle
from sites.operations.response_cache import public_response_cache
from tests.factories import StudySiteFactory, retitle
from trials.selectors import search
from trials.services.lifecycle import study_unpublish

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/api/v1/studies/?region=helse-vest&open=true",
    "/?q=hjertesvikt",
    "/fhir/ResearchStudy?keyword=hjertesvikt",
]


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.PUBLIC_CACHE_STAMP_SECONDS = 60  # production may keep the stamp too
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def heart(reference_data):
    return StudySiteFactory(
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__conditions="Hjertesvikt",
        study__hrcs=["03"],
    ).study


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_repeated_public_request_is_served_without_database_queries(
    heart, url, django_assert_num_queries
):
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and "hjertesvikt" in first.content.decode().lower()
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert again["Cache-Control"] == first["Cache-Control"]


def test_the_same_query_in_another_order_is_the_same_entry(heart, django_assert_num_queries):
    client = Client()
    client.get("/api/v1/studies/?open=true&region=helse-vest")
    with django_assert_num_queries(0):
        assert client.get("/api/v1/studies/?region=helse-vest&open=true").status_code == 200


def test_a_kept_stamp_spares_the_query_of_every_answer_and_a_save_still_shows_at_once(
    heart, settings
):
    """With the stamp kept (PUBLIC_CACHE_STAMP_SECONDS) an answer the view computes (another
    page, another search) reads no stamp from the database for its ETag either; a save forgets the
    kept stamp, so the next answer has a new ETag."""
    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 0  # every answer computed
    client = Client()
    first = client.get("/api/v1/studies/?hrcs=03")
    with CaptureQueriesContext(connection) as ctx:
        same = client.get("/api/v1/studies/?hrcs=03")
    assert not [q for q in ctx.captured_queries if "max(updated_at)" in q["sql"]]
    assert same["ETag"] == first["ETag"]
    retitle(heart, "Hjertesvikt: trening etter utskrivning")
    after = client.get("/api/v1/studies/?hrcs=03")
    assert after["ETag"] != first["ETag"]
    assert after.json()["results"][0]["lay_title"] == "Hjertesvikt: trening etter utskrivning"


def test_each_language_has_its_own_entry(heart):
    heart.lay_title_en = "New treatment for heart failure"
    heart.save()
    client = Client()
    assert "Ny behandling" in client.get(f"/studier/{heart.public_id}/?lang=nb").content.decode()
    english = client.get(f"/studier/{heart.public_id}/?lang=en").content.decode()
    assert "New treatment for heart failure" in english


@pytest.mark.parametrize("stamp_seconds", [0, 60])
def test_a_change_to_a_published_study_is_visible_at_once(heart, settings, stamp_seconds):
    settings.PUBLIC_CACHE_STAMP_SECONDS = stamp_seconds
    client = Client()
    detail = f"/api/v1/studies/{heart.public_id}/"
    assert client.get(detail).json()["lay_title"] == "Ny behandling av hjertesvikt"
    assert "Ny behandling" in client.get("/?q=hjertesvikt").content.decode()
    retitle(heart, "Hjertesvikt: trening etter utskrivning")
    assert client.get(detail).json()["lay_title"] == "Hjertesvikt: trening etter utskrivning"
    assert "trening etter utskrivning" in client.get("/?q=hjertesvikt").content.decode()
    study_unpublish(study=heart, user=None, reason="Trukket")
    assert client.get(detail).status_code == 404
    assert (
        heart.public_id
        not in client.get("/fhir/ResearchStudy?keyword=hjertesvikt").content.decode()
    )


@pytest.mark.parametrize("stamp_seconds", [0, 60])
def test_a_new_or_removed_enrolment_shows_at_once_in_the_public_n_of_n(
    heart, settings, stamp_seconds
):
    from consents.models import Enrolment, Participant

    settings.PUBLIC_CACHE_STAMP_SECONDS = stamp_seconds
    site = heart.sites.get()

    def enrol(n: int, start: int) -> None:
        for i in range(start, start + n):
            participant = Participant.objects.create(pseudonym=f"{heart.public_id}-{i:04d}")
            Enrolment.objects.create(
                participant=participant, study=heart, site=site, included_on=heart.opened_on
            )

    client = Client()
    detail = f"/api/v1/studies/{heart.public_id}/"
    enrol(5, 0)
    assert client.get(detail).json()["enrolled"] == 5
    enrol(1, 5)
    assert client.get(detail).json()["enrolled"] == 6
    heart.enrolments.order_by("pk")[0].delete()
    heart.enrolments.order_by("pk")[0].delete()
    assert client.get(detail).json()["enrolled"] is None  # fewer than five: not shown


def test_a_browser_revalidating_after_a_new_enrolment_gets_the_new_n_of_n(heart):
    """The ETag moves with the enrolments too: a 304 would keep showing the old "enrolled"."""
    from consents.models import Enrolment, Participant

    site = heart.sites.get()
    for i in range(6):
        if i == 5:
            client = Client()
            detail = f"/api/v1/studies/{heart.public_id}/"
            listing = "/api/v1/studies/?q=hjertesvikt"
            etags = {url: client.get(url)["ETag"] for url in (detail, listing)}
            cache.clear()  # a browser's revalidation can reach another web node
        participant = Participant.objects.create(pseudonym=f"{heart.public_id}-{i:04d}")
        Enrolment.objects.create(
            participant=participant, study=heart, site=site, included_on=heart.opened_on
        )
    again = client.get(detail, HTTP_IF_NONE_MATCH=etags[detail])
    assert again.status_code == 200 and again.json()["enrolled"] == 6
    again = client.get(listing, HTTP_IF_NONE_MATCH=etags[listing])
    assert again.status_code == 200 and again.json()["results"][0]["enrolled"] == 6


def test_a_conditional_request_is_answered_from_the_cache_before_any_work(
    heart, django_assert_num_queries
):
    client = Client()
    url = f"/fhir/ResearchStudy/{heart.public_id}"
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    assert not_modified.content == b""


def test_what_a_signed_in_user_was_shown_is_never_kept_for_the_public(
    heart, coordinator_vest, django_assert_max_num_queries
):
    coordinator = Client()
    coordinator.force_login(coordinator_vest)
    assert coordinator.get("/?q=hjertesvikt").status_code == 200
    anonymous = Client()
    with django_assert_max_num_queries(50) as ctx:
        assert anonymous.get("/?q=hjertesvikt").status_code == 200
    assert len(ctx.captured_queries) > 0  # computed for the public, not taken from the coordinator


def test_cached_answers_count_against_the_public_rate_limit(heart, monkeypatch):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    client = Client()
    statuses = [client.get("/api/v1/studies/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# Public-looking views whose answer depends on who asks: never kept.
@public_response_cache(search.public_change_stamp)
@cache_control(public=True, max_age=60)
def _greeting(request):
    seen = request.session.get("seen", 0)
    request.session["seen"] = seen + 1
    return HttpResponse(f"visit {seen}")


@public_response_cache(search.public_change_stamp)
@cache_control(public=True, max_age=60)
def _with_cookie(request):
    response = HttpResponse(f"count {request.COOKIES.get('n', '0')}")
    response.set_cookie("n", str(int(request.COOKIES.get("n", "0")) + 1))
    return response


@public_response_cache(search.public_change_stamp)
@cache_control(public=True, max_age=60)
def _with_csrf(request):
    from django.middleware.csrf import get_token

    return HttpResponse(f"token {get_token(request)}")


urlpatterns = [
    path("greeting", _greeting),
    path("cookie", _with_cookie),
    path("csrf", _with_csrf),
]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(("url", "first", "second"), [
    ("/greeting", b"visit 0", b"visit 1"),
    ("/cookie", b"count 0", b"count 1"),
])  # fmt: skip
def test_responses_that_depend_on_the_visitor_are_never_cached(reference_data, url, first, second):
    client = Client()
    assert client.get(url).content == first
    assert client.get(url).content == second


@pytest.mark.urls(__name__)
def test_a_page_with_a_csrf_token_is_never_shared(reference_data):
    one, other = Client(), Client()
    assert one.get("/csrf").content != other.get("/csrf").content
