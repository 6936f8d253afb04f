from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from trials.api.places import PublicOrganisationViewSet, PublicRegionViewSet
from trials.api.views import PublicHealthCategoryViewSet, PublicStatisticsView, PublicStudyViewSet

router = SimpleRouter()
router.register("studies", PublicStudyViewSet, basename="study")
router.register("organisations", PublicOrganisationViewSet, basename="organisation")
router.register("regions", PublicRegionViewSet, basename="region")
router.register("hrcs-categories", PublicHealthCategoryViewSet, basename="hrcs-category")

api_v1 = [
    path(
        "studies/export.csv",
        PublicStudyViewSet.as_view({"get": "export_csv"}),
        name="study-export-csv",
    ),
    path(
        "studies/export.jsonl",
        PublicStudyViewSet.as_view({"get": "export_jsonl"}),
        name="study-export-jsonl",
    ),
    path("statistics/", PublicStatisticsView.as_view(), name="statistics"),
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("fhir/", include("trials.fhir.urls")),
    path("", include("trials.web.urls")),
]
