from django.urls import path

from malbild.goals import views

app_name = "goals"

urlpatterns = [
    path("mal/", views.chain, name="chain"),
    path("mal/ny/", views.create, name="create"),
    path("mal/<int:goal_id>/", views.detail, name="detail"),
    path("mal/<int:goal_id>/andra/", views.edit, name="edit"),
    path("mal/<int:goal_id>/aktivera/", views.activate, name="activate"),
    path("mal/<int:goal_id>/avsluta/", views.close, name="close"),
    path("mal/<int:goal_id>/underlag/ny/", views.evidence_add, name="evidence_add"),
    path(
        "mal/<int:goal_id>/underlag/<int:evidence_id>/ta-bort/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "mal/<int:goal_id>/indikatorer/<int:link_id>/vikt/",
        views.indicator_weight,
        name="indicator_weight",
    ),
    path(
        "mal/<int:goal_id>/indikatorer/<int:link_id>/ta-bort/",
        views.indicator_unlink,
        name="indicator_unlink",
    ),
    path("mal/<int:goal_id>/bidrag/ny/", views.contribution_add, name="contribution_add"),
    path(
        "mal/<int:goal_id>/bidrag/<int:contribution_id>/ta-bort/",
        views.contribution_remove,
        name="contribution_remove",
    ),
    path("enheter/<int:unit_id>/mal/", views.unit_goals, name="unit_goals"),
]
