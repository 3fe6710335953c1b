from django.urls import path

from malbild.announcements import views

app_name = "announcements"

urlpatterns = [
    path("nyheter/", views.news, name="news"),
    path("nyheter/ny/", views.announcement_create, name="announcement_create"),
    path("nyheter/<int:announcement_id>/", views.announcement_detail, name="announcement_detail"),
    path("nyheter/<int:announcement_id>/andra/", views.announcement_edit, name="announcement_edit"),
    path(
        "nyheter/<int:announcement_id>/publicera/",
        views.announcement_publish,
        name="announcement_publish",
    ),
    path(
        "nyheter/<int:announcement_id>/avpublicera/",
        views.announcement_unpublish,
        name="announcement_unpublish",
    ),
    path(
        "nyheter/<int:announcement_id>/ta-bort/",
        views.announcement_delete,
        name="announcement_delete",
    ),
    path("nyheter/prenumeration/", views.subscription, name="subscription"),
    path("nyheter/prenumeration/flode/", views.feed_token_new, name="feed_token_new"),
    path("nyheter/prenumeration/aterkalla/", views.feed_token_revoke, name="feed_token_revoke"),
    path("nyheter/prenumeration/sammanfattning/", views.digest, name="digest"),
]
