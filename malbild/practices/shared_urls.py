"""The practice library across organisations, under `/delat/praxis/` (DESIGN.md §4)."""

from django.urls import path

from malbild.practices import views

app_name = "practices_shared"

urlpatterns = [
    path("", views.library, name="library"),
    path("<int:practice_id>/", views.shared_detail, name="detail"),
]
