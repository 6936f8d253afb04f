"""The URL tree the integration OpenAPI schema is generated from (only the integration API)."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/integration/", include(("consents.api.urls", "integration"))),
]
