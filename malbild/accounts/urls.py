from django.contrib.auth import views as auth_views
from django.urls import path

from malbild.accounts import views

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-in/kommun/", views.sso_login, name="sso_login"),
    path("logga-in/kommun/svar/", views.sso_callback, name="sso_callback"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/mina-uppgifter/", views.personal_data, name="personal_data"),
    path("losenord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("aterstall/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "aterstall/skickat/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "aterstall/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
