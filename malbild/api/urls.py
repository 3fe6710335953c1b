from django.urls import path

from malbild.api import views

app_name = "api_tokens"

urlpatterns = [
    path("ny/", views.token_create, name="create"),
    path("<int:token_id>/aterkalla/", views.token_revoke, name="revoke"),
]
