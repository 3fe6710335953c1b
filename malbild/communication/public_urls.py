from django.urls import path

from malbild.communication import public_forms, public_views

app_name = "communication_public"

urlpatterns = [
    path("nyheter/", public_views.news, name="news"),
    path("nyheter/<int:announcement_id>/", public_views.news_detail, name="news_detail"),
    path("nyheter/<slug:audience>.atom", public_views.news_atom, name="news_atom"),
    path("mal/", public_views.goals, name="goals"),
    path("mal/enhet/<int:unit_id>/", public_views.unit_goals, name="unit_goals"),
    path("sprak/", public_views.language, name="language"),
    path("berattelser/", public_views.stories, name="stories"),
    path("berattelser/<int:story_id>/", public_views.story_detail, name="story_detail"),
    path("berattelser.atom", public_views.stories_atom, name="stories_atom"),
    path("berattelser/bild/<int:image_id>/", public_views.story_image, name="story_image"),
    path("berattelser/beratta/", public_forms.story_submit, name="story_submit"),
    path("synpunkter/", public_views.feedback, name="feedback"),
    path("synpunkter/lamna/", public_forms.feedback_form, name="feedback_form"),
]
