from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "malbild.accounts"
    verbose_name = _("People")

    def ready(self) -> None:
        from malbild.accounts import signals  # noqa: F401  (connects the login hooks)
