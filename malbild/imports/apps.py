from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "malbild.imports"
    label = "imports"
    verbose_name = _("Imports and Kolada")

    def ready(self) -> None:
        """Show the Kolada comparison and link on an indicator's page (`lib.panels`)."""
        from malbild.imports import kolada_views
        from malbild.indicators import signals as indicators

        indicators.detail_panels.connect(
            kolada_views.indicator_links_panel, dispatch_uid="imports.indicator_links"
        )
