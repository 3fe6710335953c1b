from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "malbild.stories"
    label = "stories"
    verbose_name = _("Success stories")

    def ready(self) -> None:
        """Add to the pages and feeds of the apps below (docs/architecture.md, "Layers")."""
        from malbild.announcements import signals as announcements
        from malbild.goals import signals as goals
        from malbild.stories import invitations, public_views

        goals.public_panels.connect(
            public_views.highlights_panel, dispatch_uid="stories.highlights"
        )
        announcements.personal_notices.connect(
            invitations.as_notices, dispatch_uid="stories.invitations"
        )
