from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
    path("feasibility/outcome/<str:token>/", feasibility_outcome, name="feasibility-outcome"),
]
