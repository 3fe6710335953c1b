from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "malbild.targets"
    verbose_name = _("The målbild")

    def ready(self) -> None:
        """React to the apps below (docs/architecture.md, "Layers")."""
        from malbild.steering import signals as steering
        from malbild.targets import services, views

        steering.document_changed.connect(
            services.flag_for_review, dispatch_uid="targets.flag_for_review"
        )
        steering.document_panels.connect(views.cited_by_panel, dispatch_uid="targets.cited_by")
