from django.urls import path

from malbild.tenants import views

app_name = "tenants"

urlpatterns = [
    path("enheter/", views.unit_tree, name="unit_tree"),
    path("enheter/ny/", views.unit_create, name="unit_create"),
    path("enheter/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("enheter/<int:unit_id>/andra/", views.unit_edit, name="unit_edit"),
    path("enheter/<int:unit_id>/flytta/", views.unit_move, name="unit_move"),
    path("enheter/<int:unit_id>/arkivera/", views.unit_archive, name="unit_archive"),
    path("enheter/<int:unit_id>/aterstall/", views.unit_restore, name="unit_restore"),
    path("personer/", views.people, name="people"),
    path("personer/bjud-in/", views.person_invite, name="person_invite"),
    path(
        "personer/inbjudningar/<int:invitation_id>/dra-tillbaka/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("personer/<int:user_id>/", views.person_detail, name="person_detail"),
    path("personer/<int:user_id>/roller/ny/", views.role_grant, name="role_grant"),
    path(
        "personer/<int:user_id>/roller/<int:membership_id>/ta-bort/",
        views.role_revoke,
        name="role_revoke",
    ),
    path("personer/<int:user_id>/anonymisera/", views.person_anonymise, name="person_anonymise"),
]
