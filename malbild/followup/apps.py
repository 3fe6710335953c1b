from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "malbild.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        """Show the investments' follow-up under them on the målbild's page (`lib.panels`)."""
        from malbild.followup import views
        from malbild.targets import signals as targets

        targets.investment_panels.connect(
            views.investments_panel, dispatch_uid="followup.investments"
        )
