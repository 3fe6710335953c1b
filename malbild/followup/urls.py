from django.urls import path

from malbild.followup import views

app_name = "followup"

urlpatterns = [
    path("uppfoljning/", views.periods, name="periods"),
    path("uppfoljning/export.xlsx", views.export, name="export"),
    path("uppfoljning/perioder/ny/", views.period_create, name="period_create"),
    path("uppfoljning/perioder/<int:period_id>/", views.period_detail, name="period_detail"),
    path("uppfoljning/perioder/<int:period_id>/andra/", views.period_edit, name="period_edit"),
    path("uppfoljning/perioder/<int:period_id>/oversikt/", views.overview, name="overview"),
    path(
        "uppfoljning/perioder/<int:period_id>/enheter/<int:unit_id>/",
        views.unit_reports,
        name="unit_reports",
    ),
    path(
        "uppfoljning/perioder/<int:period_id>/enheter/<int:unit_id>/paminn/",
        views.remind,
        name="remind",
    ),
    path(
        "uppfoljning/perioder/<int:period_id>/mal/<int:goal_id>/",
        views.report_form,
        name="report_form",
    ),
    path(
        "uppfoljning/perioder/<int:period_id>/satsningar/<int:investment_id>/",
        views.investment_form,
        name="investment_form",
    ),
    path("uppfoljning/rapporter/<int:report_id>/", views.report_detail, name="report_detail"),
    path("uppfoljning/rapporter/<int:report_id>/klar/", views.report_ready, name="report_ready"),
    path(
        "uppfoljning/rapporter/<int:report_id>/godkann/",
        views.report_approve,
        name="report_approve",
    ),
    path(
        "uppfoljning/rapporter/<int:report_id>/skicka-tillbaka/",
        views.report_send_back,
        name="report_send_back",
    ),
    path(
        "uppfoljning/rapporter/<int:report_id>/kommentarer/",
        views.report_comment,
        name="report_comment",
    ),
]
