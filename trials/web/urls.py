from django.urls import path

from . import views

app_name = "finder"
urlpatterns = [
    path("", views.study_list, name="list"),
    path("studier/<str:public_id>/", views.study_detail, name="detail"),
]
