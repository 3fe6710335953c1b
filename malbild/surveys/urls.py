from django.urls import path

from malbild.surveys import views

app_name = "surveys"

urlpatterns = [
    path("elevrosten/", views.survey_list, name="list"),
    path("elevrosten/ny/", views.survey_create, name="create"),
    path("elevrosten/resultat/", views.overview, name="overview"),
    path("elevrosten/indikatorer/", views.links, name="links"),
    path("elevrosten/<int:survey_id>/", views.survey_detail, name="detail"),
    path("elevrosten/<int:survey_id>/affisch/", views.survey_poster, name="poster"),
    path("elevrosten/<int:survey_id>/stang/", views.survey_close, name="close"),
    path("elevrosten/<int:survey_id>/offentlig/", views.survey_publish, name="publish"),
    path("elevrosten/<int:survey_id>/svar/", views.survey_texts, name="texts"),
    path(
        "elevrosten/<int:survey_id>/svar/<int:response_id>/",
        views.text_moderate,
        name="text_moderate",
    ),
]
