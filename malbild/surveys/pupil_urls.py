"""The pupils' pages: a short address that works for every organisation, because the code
names the survey (and so the organisation)."""

from django.urls import path

from malbild.surveys import public_views

app_name = "surveys_pupil"

urlpatterns = [
    path("", public_views.start, name="start"),
    path("tack/", public_views.thanks, name="thanks"),
    path("<str:code>/", public_views.answer, name="answer"),
]
