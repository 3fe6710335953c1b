from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    """What is left of the app that held announcements, stories and feedback: its migrations,
    which create their tables (the tables keep their names) and then hand the models over to
    the announcements, stories and feedback apps (migration 0004, state only). Installations
    migrate through it; it has no models, and nothing imports it."""

    name = "malbild.communication"
    label = "communication"
    verbose_name = _("Communication")
