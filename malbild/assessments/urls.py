from django.urls import path

from malbild.assessments import views

app_name = "assessments"

urlpatterns = [
    path("sjalvskattning/", views.round_list, name="list"),
    path("sjalvskattning/ny/", views.start, name="start"),
    path("sjalvskattning/kommunen/", views.municipality, name="municipality"),
    path("sjalvskattning/kommunen/sjalvskattning.xlsx", views.export, name="export"),
    path("sjalvskattning/<int:round_id>/", views.detail, name="detail"),
    path("sjalvskattning/<int:round_id>/svara/", views.answer, name="answer"),
    path(
        "sjalvskattning/<int:round_id>/svara/<int:statement_id>/",
        views.answer_statement,
        name="answer_statement",
    ),
    path("sjalvskattning/<int:round_id>/stang/", views.close, name="close"),
    path(
        "sjalvskattning/<int:round_id>/deltagare/<int:participant_id>/ta-bort/",
        views.remove_participant,
        name="remove_participant",
    ),
    path("sjalvskattning/<int:round_id>/delning/", views.share, name="share"),
    path("sjalvskattning/<int:round_id>/sammanstallning/", views.summary_view, name="summary"),
    path("sjalvskattning/<int:round_id>/forslag/", views.suggestions, name="suggestions"),
    path(
        "sjalvskattning/<int:round_id>/forslag/<int:statement_id>/",
        views.adopt,
        name="adopt",
    ),
]
