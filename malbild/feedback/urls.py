from django.urls import path

from malbild.feedback import views

app_name = "feedback"

urlpatterns = [
    path("synpunkter/", views.feedback_queue, name="feedback_queue"),
    path("synpunkter/<int:feedback_id>/", views.feedback_detail, name="feedback_detail"),
    path(
        "synpunkter/<int:feedback_id>/svara/",
        views.feedback_answer,
        name="feedback_answer",
    ),
    path(
        "synpunkter/<int:feedback_id>/avvisa/",
        views.feedback_reject,
        name="feedback_reject",
    ),
    path(
        "synpunkter/<int:feedback_id>/signal/",
        views.feedback_signal,
        name="feedback_signal",
    ),
]
