from django.urls import path

from malbild.onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("kom-igang/", views.checklist_page, name="checklist"),
    path("kom-igang/ruta/", views.box, name="box"),
    path("kom-igang/kommun/", views.municipality, name="municipality"),
    path("kom-igang/enheter/kolada/", views.kolada_units, name="kolada_units"),
    path("kom-igang/enheter/fil/", views.unit_file, name="unit_file"),
    path(
        "kom-igang/enheter/fil/<int:batch_id>/importera/",
        views.unit_file_import,
        name="unit_file_import",
    ),
    path("kom-igang/personer/", views.people, name="people"),
    path("kom-igang/personer/<int:batch_id>/importera/", views.people_import, name="people_import"),
    path("kom-igang/plattform/", views.platform, name="platform"),
    path("kom-igang/malbild/", views.target, name="target"),
    path("kom-igang/indikatorer/", views.indicators, name="indicators"),
    path("kom-igang/uppfoljning/", views.period, name="period"),
]
