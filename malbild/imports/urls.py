from django.urls import path

from malbild.imports import kolada_views, views

app_name = "imports"

urlpatterns = [
    path("data/", views.overview, name="overview"),
    path("data/fil/", views.upload, name="upload"),
    path("data/korningar/<int:run_id>/", views.run_detail, name="run"),
    path("data/korningar/<int:run_id>/importera/", views.commit, name="commit"),
    path("data/export/", views.export, name="export"),
    path("data/kolada/", kolada_views.kolada, name="kolada"),
    path("data/kolada/kommun/", kolada_views.set_municipality, name="kolada_municipality"),
    path("data/kolada/enheter/", kolada_views.units, name="kolada_units"),
    path("data/kolada/enheter/<int:unit_id>/", kolada_views.set_unit, name="kolada_unit"),
    path("data/kolada/uppdatera/", kolada_views.refresh_now, name="kolada_refresh"),
    path("data/kolada/grupper/", kolada_views.group_add, name="group_add"),
    path(
        "data/kolada/grupper/<int:group_id>/ta-bort/",
        kolada_views.group_remove,
        name="group_remove",
    ),
    path("indikatorer/<int:indicator_id>/kolada/", kolada_views.link, name="kolada_link"),
    path("indikatorer/<int:indicator_id>/jamforelse/", kolada_views.compare, name="compare"),
]
