from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from indicators.api.views import PublicIndicatorViewSet
from sites.api.views import ApiRootView, api_not_found
from sites.operations import views as ops_views
from trials.api.helsenorge import HelsenorgeFeedView
from trials.api.places import PublicOrganisationViewSet, PublicRegionViewSet
from trials.api.views import PublicHealthCategoryViewSet, PublicStatisticsView, PublicStudyViewSet
from trials.industry.api.feasibility import FeasibilityRequestIntakeView
from trials.results.api.views import PublicResultsReportingView

router = SimpleRouter()
router.register("studies", PublicStudyViewSet, basename="study")
router.register("organisations", PublicOrganisationViewSet, basename="organisation")
router.register("regions", PublicRegionViewSet, basename="region")
router.register("hrcs-categories", PublicHealthCategoryViewSet, basename="hrcs-category")
router.register("indicators", PublicIndicatorViewSet, basename="indicator")

API_ENDPOINTS = {
    "studies": "api-v1:study-list",
    "studies_withdrawn": "api-v1:study-withdrawn",
    "studies_export_csv": "api-v1:study-export-csv",
    "studies_export_jsonl": "api-v1:study-export-jsonl",
    "organisations": "api-v1:organisation-list",
    "regions": "api-v1:region-list",
    "hrcs_categories": "api-v1:hrcs-category-list",
    "indicators": "api-v1:indicator-list",
    "statistics": "api-v1:statistics",
    "schema": "api-v1:schema",
    "docs": "api-v1:docs",
    "fhir": "fhir:metadata",
}

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiRootView.as_view(endpoints=API_ENDPOINTS), name="root"),
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
    path(
        "results-reporting/institutions/",
        PublicResultsReportingView.as_view(),
        name="results-reporting-institutions",
    ),
    path("helsenorge/studies/", HelsenorgeFeedView.as_view(), name="helsenorge-studies"),
    path("", include(router.urls)),
    path(
        "feasibility-requests/",
        FeasibilityRequestIntakeView.as_view(),
        name="feasibility-request-intake",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-v1:schema"), name="docs"),
    path("integration/", include(("consents.api.urls", "integration"))),
]

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("favicon.ico", ops_views.favicon, name="favicon"),
    path("", include("trials.industry.urls")),  # before the admin: its old addresses
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api-v1"))),
    re_path(r"^api/", api_not_found, name="api-not-found"),  # JSON, never the HTML 404
    path("fhir/", include("trials.fhir.urls")),
    path("", include("trials.web.urls")),
]

handler400 = "sites.operations.views.bad_request"
handler403 = "sites.operations.views.permission_denied"
handler500 = "sites.operations.views.server_error"
