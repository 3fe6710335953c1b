from django.urls import path

from malbild.announcements import public_views

app_name = "announcements_public"

urlpatterns = [
    path("nyheter/", public_views.news, name="news"),
    path("nyheter/<int:announcement_id>/", public_views.news_detail, name="news_detail"),
    path("nyheter/<slug:audience>.atom", public_views.news_atom, name="news_atom"),
]
