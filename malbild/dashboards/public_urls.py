"""The organisation's public start page and the public pages' language choice, under
`/offentlig/<org>/`."""

from django.urls import path

from malbild.dashboards import public_views

app_name = "dashboards_public"

urlpatterns = [
    path("", public_views.home, name="home"),
    path("sprak/", public_views.language, name="language"),
]
