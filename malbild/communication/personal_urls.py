from django.urls import path

from malbild.communication import personal

app_name = "communication_personal"

urlpatterns = [
    path("<str:token>.atom", personal.atom, name="atom"),
    path("<str:token>.ics", personal.ical, name="ical"),
    path("avsluta-sammanfattning/<str:signed>/", personal.digest_off, name="digest_off"),
]
