from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "malbild.onboarding"
    label = "onboarding"
    verbose_name = _("Getting started")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from malbild.onboarding import services

        # Roles from a file of people that wait for the person's next login (LoginGrant).
        user_logged_in.connect(services.apply_login_grants, dispatch_uid="malbild_login_grants")
