from django.urls import path

from malbild.scanning import views

app_name = "scanning"

urlpatterns = [
    path("omvarld/", views.signal_list, name="list"),
    path("omvarld/ny/", views.create, name="create"),
    path("omvarld/radar/", views.radar, name="radar"),
    path("omvarld/signaler/<int:signal_id>/", views.detail, name="detail"),
    path("omvarld/signaler/<int:signal_id>/andra/", views.edit, name="edit"),
    path("omvarld/signaler/<int:signal_id>/kommentera/", views.comment, name="comment"),
    path("omvarld/signaler/<int:signal_id>/betyg/", views.rate, name="rate"),
    path("omvarld/signaler/<int:signal_id>/lage/", views.change_state, name="state"),
    path("omvarld/signaler/<int:signal_id>/ledde-till/", views.link, name="link"),
    path(
        "omvarld/signaler/<int:signal_id>/ledde-till/<int:link_id>/ta-bort/",
        views.unlink,
        name="unlink",
    ),
    path(
        "omvarld/signaler/<int:signal_id>/mal/<int:evidence_id>/ta-bort/",
        views.unlink_goal,
        name="unlink_goal",
    ),
    path("omvarld/kandidater/", views.candidates, name="candidates"),
    path("omvarld/kandidater/<int:item_id>/signal/", views.candidate_take, name="candidate_take"),
    path(
        "omvarld/kandidater/<int:item_id>/avvisa/",
        views.candidate_dismiss,
        name="candidate_dismiss",
    ),
    path("omvarld/kallor/", views.sources, name="sources"),
    path("omvarld/kallor/ny/", views.source_create, name="source_create"),
    path("omvarld/kallor/<int:source_id>/hamta/", views.source_fetch, name="source_fetch"),
    path("omvarld/kallor/<int:source_id>/pausa/", views.source_pause, name="source_pause"),
]
