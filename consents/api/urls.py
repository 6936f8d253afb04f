from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import ConsentIntegrationView, EnrolmentIntegrationView, ReservationIntegrationView

urlpatterns = [
    path("enrolments/", EnrolmentIntegrationView.as_view(), name="integration-enrolments"),
    path("consents/", ConsentIntegrationView.as_view(), name="integration-consents"),
    path("reservations/", ReservationIntegrationView.as_view(), name="integration-reservations"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="consents.api.schema_urls",
            custom_settings={
                "TITLE": "Kliniske studier – integrasjons-API",
                "DESCRIPTION": (
                    "Maskin-til-maskin-API for inklusjoner, samtykkehendelser og reservasjoner. "
                    "Token per integrert system. Én post eller en liste på opptil 1000 (alt eller "
                    "ingenting). Idempotency-Key gir samme svar uten nye skrivinger."
                ),
                "PREPROCESSING_HOOKS": [],
            },
        ),
        name="integration-schema",
    ),
]
