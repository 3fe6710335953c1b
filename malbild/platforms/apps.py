from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    # The package is `platforms`, so that it never hides the standard library's `platform`; the
    # label, and so the tables and the migrations' history, stay `platform`.
    name = "malbild.platforms"
    label = "platform"
    verbose_name = _("The common platform")
