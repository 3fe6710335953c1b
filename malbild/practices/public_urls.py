"""An organisation's public practices, under `/offentlig/<org>/praxis/`, without login."""

from django.urls import path

from malbild.practices import public_views

app_name = "practices_public"

urlpatterns = [
    path("", public_views.public_list, name="list"),
    path("<int:practice_id>/", public_views.public_detail, name="detail"),
]
