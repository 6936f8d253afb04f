from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from ops import views as ops_views
from trials.api.feasibility import FeasibilityRequestIntakeView
from trials.api.views import PublicStudyViewSet
from trials.sponsor_views import feasibility_outcome

router = SimpleRouter()
router.register("studies", PublicStudyViewSet, basename="study")

api_v1 = [
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
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("feasibility/outcome/<str:token>/", feasibility_outcome, name="feasibility-outcome"),
]

handler403 = "ops.views.permission_denied"
handler500 = "ops.views.server_error"
