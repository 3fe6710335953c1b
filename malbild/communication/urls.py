from django.urls import path

from malbild.communication import feedback_views, story_views, views

app_name = "communication"

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
    # Success stories
    path("berattelser/", story_views.stories, name="stories"),
    path("berattelser/ny/", story_views.story_create, name="story_create"),
    path("berattelser/<int:story_id>/", story_views.story_detail, name="story_detail"),
    path("berattelser/<int:story_id>/andra/", story_views.story_edit, name="story_edit"),
    path("berattelser/<int:story_id>/citat/", story_views.quote_add, name="quote_add"),
    path("berattelser/<int:story_id>/bild/", story_views.image_add, name="image_add"),
    path("berattelser/<int:story_id>/publicera/", story_views.story_publish, name="story_publish"),
    path("berattelser/<int:story_id>/avsla/", story_views.story_reject, name="story_reject"),
    path(
        "berattelser/<int:story_id>/lyft-fram/",
        story_views.story_highlight,
        name="story_highlight",
    ),
    path("berattelser/samtycke/", story_views.consent_age, name="consent_age"),
    path(
        "berattelser/citat/<int:quote_id>/aterkalla/",
        story_views.quote_withdraw,
        name="quote_withdraw",
    ),
    path(
        "berattelser/bilder/<int:image_id>/aterkalla/",
        story_views.image_withdraw,
        name="image_withdraw",
    ),
    path("berattelser/bilder/<int:image_id>/", story_views.story_image, name="story_image"),
    # Feedback from the public
    path("synpunkter/", feedback_views.feedback_queue, name="feedback_queue"),
    path("synpunkter/<int:feedback_id>/", feedback_views.feedback_detail, name="feedback_detail"),
    path(
        "synpunkter/<int:feedback_id>/svara/",
        feedback_views.feedback_answer,
        name="feedback_answer",
    ),
    path(
        "synpunkter/<int:feedback_id>/avvisa/",
        feedback_views.feedback_reject,
        name="feedback_reject",
    ),
    path(
        "synpunkter/<int:feedback_id>/signal/",
        feedback_views.feedback_signal,
        name="feedback_signal",
    ),
]
