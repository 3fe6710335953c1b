from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationConfig(AppConfig):
    name = "malbild.communication"
    label = "communication"
    verbose_name = _("Communication")

    def ready(self) -> None:
        """React to the apps below (docs/architecture.md, "Layers")."""
        from malbild.communication import services
        from malbild.goals import signals as goals
        from malbild.targets import signals as targets

        targets.adopted.connect(
            services.draft_for_adopted_target, dispatch_uid="communication.draft_for_target"
        )
        goals.status_changed.connect(
            services.draft_for_goal_status, dispatch_uid="communication.draft_for_goal_status"
        )
