from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "malbild.goals"
    verbose_name = _("Goals")

    def ready(self) -> None:
        """React to the apps below (docs/architecture.md, "Layers")."""
        from malbild.goals import services
        from malbild.indicators import signals as indicators

        indicators.values_changed.connect(
            services.recalculate_for_indicator, dispatch_uid="goals.recalculate_for_indicator"
        )
