from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "malbild.api"
    label = "api"
    verbose_name = _("JSON API")

    def ready(self) -> None:
        """Show the person's API keys on the profile page (`lib.panels`)."""
        from malbild.accounts import signals as accounts
        from malbild.api import views

        accounts.profile_panels.connect(views.keys_panel, dispatch_uid="api.keys")
