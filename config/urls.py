from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from indicators.api.views import PublicIndicatorViewSet
from trials.api.views import PublicStudyViewSet

router = SimpleRouter()
router.register("studies", PublicStudyViewSet, basename="study")
router.register("indicators", PublicIndicatorViewSet, basename="indicator")

api_v1 = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api-v1"))),
]
