from django.urls import path

from malbild.feedback import public_views

app_name = "feedback_public"

urlpatterns = [
    path("synpunkter/", public_views.feedback, name="feedback"),
    path("synpunkter/lamna/", public_views.feedback_form, name="feedback_form"),
]
