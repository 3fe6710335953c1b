from django.urls import path

from malbild.assessments import national

app_name = "assessments_shared"

urlpatterns = [
    path("sjalvskattning/", national.comparison, name="national"),
]
