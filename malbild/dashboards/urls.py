from django.urls import path

from malbild.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("oversikt/", views.organisation, name="organisation"),
    path("enheter/<int:unit_id>/oversikt/", views.unit, name="unit"),
]
