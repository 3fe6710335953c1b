from django.urls import path

from malbild.targets import views

app_name = "targets"

urlpatterns = [
    path("malbild/", views.detail, name="detail"),
    path("malbild/ny/", views.draft_start, name="draft_start"),
    path("malbild/omprovning/", views.review, name="review"),
    path("malbild/<int:number>/", views.version, name="version"),
    path("malbild/<int:number>/andra/", views.edit, name="edit"),
    path("malbild/<int:number>/satsningar/ny/", views.investment_create, name="investment_create"),
    path(
        "malbild/<int:number>/satsningar/<int:investment_id>/andra/",
        views.investment_edit,
        name="investment_edit",
    ),
    path(
        "malbild/<int:number>/satsningar/<int:investment_id>/ta-bort/",
        views.investment_delete,
        name="investment_delete",
    ),
    path("malbild/<int:number>/foresla/", views.propose, name="propose"),
    path("malbild/<int:number>/dra-tillbaka/", views.withdraw, name="withdraw"),
    path("malbild/<int:number>/anta/", views.adopt, name="adopt"),
    path("malbild/<int:number>/kommentarer/", views.comment, name="comment"),
    path("malbild/<int:number>/jamfor/", views.compare, name="compare"),
    path("fokusomraden/", views.focus_areas, name="focus_areas"),
    path("fokusomraden/<int:area_id>/andra/", views.focus_area_edit, name="focus_area_edit"),
]
