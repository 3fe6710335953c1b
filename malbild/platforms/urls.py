from django.urls import path

from malbild.platforms import views

app_name = "platform"

urlpatterns = [
    path("plattform/", views.detail, name="detail"),
    path("plattform/<int:number>/", views.version, name="version"),
    path("plattform/utkast/", views.draft, name="draft"),
    path("plattform/utkast/ny/", views.draft_start, name="draft_start"),
    path("plattform/utkast/besluta/", views.adopt, name="adopt"),
    path("varden/<int:value_id>/", views.value, name="value"),
    path("beslut/<int:decision_id>/protokoll/", views.decision_minutes, name="decision_minutes"),
]
