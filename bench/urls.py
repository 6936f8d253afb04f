"""The project's URLs plus the naive comparison endpoint, for the benchmark only."""

from django.http import HttpResponse
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench.naive import NaiveStudyViewSet

router = SimpleRouter()
router.register("naive/studies", NaiveStudyViewSet, basename="naive-study")


def ping(request):
    """The framework's ceiling: a trivial view through the same middleware as every page."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/ping", ping),
    path("bench/", include(router.urls)),
    path("", include("config.urls")),
]
