"""A public answer lets go of what it read once it is sent: the page's studies are freed at once,
not left for Python's cycle collector (whose passes over them cost each request CPU time)."""

import gc
import weakref

import pytest
from django.test import Client

from tests.factories import StudySiteFactory
from trials import selectors
from trials.api import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def studies_read(monkeypatch):
    """Weak references to every study a view attached its public rows to."""
    seen: list[weakref.ref] = []
    for name in ("study_attach_public", "study_attach_places"):  # the API's, the finder's
        monkeypatch.setattr(views.selectors, name, _watched(getattr(selectors, name), seen))
    return seen


def _watched(attach, seen: list[weakref.ref]):
    def watched(studies):
        attached = attach(studies)
        seen.extend(weakref.ref(study) for study in attached)
        return attached

    return watched


@pytest.fixture
def no_cycle_collector():
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if enabled:
        gc.enable()


@pytest.mark.parametrize("url", ["/api/v1/studies/?open=true", "/?open=on"])
def test_a_public_list_frees_its_page_when_the_answer_is_sent(
    reference_data, studies_read, no_cycle_collector, settings, url
):
    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 0
    titles = [StudySiteFactory().study.lay_title_nb for _ in range(3)]
    response = Client().get(url)
    assert response.status_code == 200
    assert all(title in response.content.decode() for title in titles)
    del response
    assert len(studies_read) == 3
    assert [ref() for ref in studies_read] == [None, None, None]
