from django.urls import path

from malbild.announcements import personal_views

app_name = "announcements_personal"

urlpatterns = [
    path("<str:token>.atom", personal_views.atom, name="atom"),
    path("<str:token>.ics", personal_views.ical, name="ical"),
    path("avsluta-sammanfattning/<str:signed>/", personal_views.digest_off, name="digest_off"),
]
