"""The practice library across organisations, under `/delat/praxis/` (DESIGN.md §4)."""

from django.urls import path

from malbild.practices import views

app_name = "shared_practices"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:practice_id>/", views.shared_detail, name="detail"),
]
