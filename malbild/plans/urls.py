from django.urls import path

from malbild.plans import views

app_name = "plans"

urlpatterns = [
    path("handlingsplaner/", views.activity_list, name="list"),
    path("enheter/<int:unit_id>/handlingsplan/", views.unit_plan, name="unit_plan"),
    path("aktiviteter/ny/", views.create, name="create"),
    path("aktiviteter/<int:activity_id>/", views.detail, name="detail"),
    path("aktiviteter/<int:activity_id>/andra/", views.edit, name="edit"),
    path("aktiviteter/<int:activity_id>/status/", views.status, name="status"),
    path(
        "aktiviteter/<int:activity_id>/milstolpar/ny/",
        views.milestone_add,
        name="milestone_add",
    ),
    path(
        "aktiviteter/<int:activity_id>/milstolpar/<int:milestone_id>/andra/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "aktiviteter/<int:activity_id>/milstolpar/<int:milestone_id>/klar/",
        views.milestone_done,
        name="milestone_done",
    ),
]
