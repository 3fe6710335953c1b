from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    default = True
    name = "malbild.tenants"
    verbose_name = _("Organisations")


class UnscopedAdminConfig(admin_apps.AdminConfig):
    """The Django admin, for the platform's superusers, sees every organisation."""

    default = False
    default_site = "malbild.tenants.admin_site.UnscopedAdminSite"
