"""The project's URLs plus the naive comparison endpoint, for the benchmark only."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench.naive import NaiveStudyViewSet

router = SimpleRouter()
router.register("naive/studies", NaiveStudyViewSet, basename="naive-study")

urlpatterns = [path("bench/", include(router.urls)), path("", include("config.urls"))]
