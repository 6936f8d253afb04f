from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from indicators.api.views import PublicIndicatorViewSet
from sites.operations import views as ops_views
from trials.api.feasibility import FeasibilityRequestIntakeView
from trials.api.helsenorge import HelsenorgeFeedView
from trials.api.places import PublicOrganisationViewSet, PublicRegionViewSet
from trials.api.views import PublicHealthCategoryViewSet, PublicStatisticsView, PublicStudyViewSet
from trials.results.api.views import PublicResultsReportingView
from trials.sponsor_views import feasibility_outcome

router = SimpleRouter()
router.register("studies", PublicStudyViewSet, basename="study")
router.register("organisations", PublicOrganisationViewSet, basename="organisation")
router.register("regions", PublicRegionViewSet, basename="region")
router.register("hrcs-categories", PublicHealthCategoryViewSet, basename="hrcs-category")
router.register("indicators", PublicIndicatorViewSet, basename="indicator")

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
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("feasibility/outcome/<str:token>/", feasibility_outcome, name="feasibility-outcome"),
    path("fhir/", include("trials.fhir.urls")),
    path("", include("trials.web.urls")),
]

handler400 = "sites.operations.views.bad_request"
handler403 = "sites.operations.views.permission_denied"
handler500 = "sites.operations.views.server_error"
