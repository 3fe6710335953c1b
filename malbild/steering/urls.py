from django.urls import path

from malbild.steering import views

app_name = "steering"

urlpatterns = [
    path("styrdokument/", views.document_list, name="list"),
    path("styrdokument/ny/", views.document_create, name="create"),
    path("styrdokument/<int:document_id>/", views.document_detail, name="detail"),
    path("styrdokument/<int:document_id>/andra/", views.document_edit, name="edit"),
    path(
        "styrdokument/<int:document_id>/andringar/ny/",
        views.change_create,
        name="change_create",
    ),
]
