from django.urls import path

from malbild.stories import public_views

app_name = "stories_public"

urlpatterns = [
    path("berattelser/", public_views.stories, name="stories"),
    path("berattelser/<int:story_id>/", public_views.story_detail, name="story_detail"),
    path("berattelser.atom", public_views.stories_atom, name="stories_atom"),
    path("berattelser/bild/<int:image_id>/", public_views.story_image, name="story_image"),
    path("berattelser/beratta/", public_views.story_submit, name="story_submit"),
]
