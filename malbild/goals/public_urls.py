from django.urls import path

from malbild.goals import public_views

app_name = "goals_public"

urlpatterns = [
    path("mal/", public_views.goals, name="goals"),
    path("mal/enhet/<int:unit_id>/", public_views.unit_goals, name="unit_goals"),
]
