from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "malbild.reports"
    label = "reports"
    verbose_name = _("Follow-up documents")

    def ready(self) -> None:
        """React to the apps below (docs/architecture.md, "Layers")."""
        from malbild.reports import services, views
        from malbild.stories import signals as stories
        from malbild.tenants import signals as tenants

        stories.consent_withdrawn.connect(
            services.after_withdrawal, dispatch_uid="reports.after_withdrawal"
        )
        tenants.start_panels.connect(
            views.latest_document_panel, dispatch_uid="reports.latest_document"
        )
