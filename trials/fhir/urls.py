from django.urls import path

from . import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("ResearchStudy", views.research_study_search, name="research-study-search"),
    path("ResearchStudy/<str:public_id>", views.research_study_read, name="research-study-read"),
]
