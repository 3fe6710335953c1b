from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "malbild.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        """Show the activities that serve a goal on its page (`lib.panels`)."""
        from malbild.goals import signals as goals
        from malbild.plans import views

        goals.work_panels.connect(views.activities_panel, dispatch_uid="plans.activities_serving")
