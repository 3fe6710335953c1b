from django.urls import path

from malbild.practices import views

app_name = "practices"

urlpatterns = [
    path("praxis/", views.practice_list, name="list"),
    path("praxis/ny/", views.create, name="create"),
    path("praxis/import/", views.import_files, name="import"),
    path("praxis/import/spara/", views.import_commit, name="import_commit"),
    path("praxis/<int:practice_id>/", views.detail, name="detail"),
    path("praxis/<int:practice_id>/andra/", views.edit, name="edit"),
    path("praxis/<int:practice_id>/delning/", views.set_state, name="set_state"),
    path("praxis/anvand/<int:practice_id>/", views.use, name="use"),
    path("praxis/kommentera/<int:practice_id>/", views.comment, name="comment"),
]
