from django.urls import path, re_path

from . import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("ResearchStudy", views.research_study_search, name="research-study-search"),
    path("ResearchStudy/<str:public_id>", views.research_study_read, name="research-study-read"),
    re_path(r"^.*$", views.not_found, name="not-found"),  # an OperationOutcome, never HTML
]
