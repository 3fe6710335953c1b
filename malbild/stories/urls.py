from django.urls import path

from malbild.stories import views

app_name = "stories"

urlpatterns = [
    path("berattelser/", views.stories, name="stories"),
    path("berattelser/ny/", views.story_create, name="story_create"),
    path("berattelser/<int:story_id>/", views.story_detail, name="story_detail"),
    path("berattelser/<int:story_id>/andra/", views.story_edit, name="story_edit"),
    path("berattelser/<int:story_id>/citat/", views.quote_add, name="quote_add"),
    path("berattelser/<int:story_id>/bild/", views.image_add, name="image_add"),
    path("berattelser/<int:story_id>/publicera/", views.story_publish, name="story_publish"),
    path("berattelser/<int:story_id>/avsla/", views.story_reject, name="story_reject"),
    path(
        "berattelser/<int:story_id>/lyft-fram/",
        views.story_highlight,
        name="story_highlight",
    ),
    path("berattelser/samtycke/", views.consent_age, name="consent_age"),
    path(
        "berattelser/citat/<int:quote_id>/aterkalla/",
        views.quote_withdraw,
        name="quote_withdraw",
    ),
    path(
        "berattelser/bilder/<int:image_id>/aterkalla/",
        views.image_withdraw,
        name="image_withdraw",
    ),
    path("berattelser/bilder/<int:image_id>/", views.story_image, name="story_image"),
]
