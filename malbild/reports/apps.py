from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "malbild.reports"
    label = "reports"
    verbose_name = _("Follow-up documents")

    def ready(self) -> None:
        """React to the apps below (docs/architecture.md, "Layers")."""
        from malbild.reports import services
        from malbild.stories import signals as stories

        stories.consent_withdrawn.connect(
            services.after_withdrawal, dispatch_uid="reports.after_withdrawal"
        )
