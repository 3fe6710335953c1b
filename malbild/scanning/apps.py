from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScanningConfig(AppConfig):
    name = "malbild.scanning"
    label = "scanning"
    verbose_name = _("Outlook")

    def ready(self) -> None:
        """Show the signals behind a målbild or an activity on their pages (`lib.panels`)."""
        from malbild.plans import signals as plans
        from malbild.scanning import views
        from malbild.targets import signals as targets

        targets.version_panels.connect(
            views.signals_behind_version, dispatch_uid="scanning.signals_behind_version"
        )
        plans.activity_panels.connect(
            views.signals_behind_activity, dispatch_uid="scanning.signals_behind_activity"
        )
