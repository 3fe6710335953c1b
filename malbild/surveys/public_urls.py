from django.urls import path

from malbild.surveys import public_views

app_name = "surveys_public"

urlpatterns = [
    path("elevrosten/", public_views.public_results, name="results"),
]
