from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "malbild.announcements"
    label = "announcements"
    verbose_name = _("Announcements")

    def ready(self) -> None:
        """React to the apps below (docs/architecture.md, "Layers")."""
        from malbild.announcements import public_views, services
        from malbild.goals import signals as goals
        from malbild.targets import signals as targets

        targets.adopted.connect(
            services.draft_for_adopted_target, dispatch_uid="announcements.draft_for_target"
        )
        goals.status_changed.connect(
            services.draft_for_goal_status, dispatch_uid="announcements.draft_for_goal_status"
        )
        goals.public_feeds.connect(public_views.public_feeds, dispatch_uid="announcements.feeds")
