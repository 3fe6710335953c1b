from django.urls import path

from malbild.indicators import views

app_name = "indicators"

urlpatterns = [
    path("indikatorer/", views.indicator_list, name="list"),
    path("indikatorer/ny/", views.create, name="create"),
    path("indikatorer/<int:indicator_id>/", views.detail, name="detail"),
    path("indikatorer/<int:indicator_id>/andra/", views.edit, name="edit"),
    path("indikatorer/<int:indicator_id>/mal/", views.target_add, name="target_add"),
    path(
        "indikatorer/<int:indicator_id>/mal/<int:target_id>/ta-bort/",
        views.target_remove,
        name="target_remove",
    ),
    path("indikatorer/<int:indicator_id>/matvarden/ny/", views.measurement, name="measurement"),
]
