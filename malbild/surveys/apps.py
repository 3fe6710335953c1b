from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "malbild.surveys"
    label = "surveys"
    verbose_name = _("Pupil surveys")

    def ready(self) -> None:
        """Show what the pupils say on a goal's page (`lib.panels`)."""
        from malbild.goals import signals as goals
        from malbild.surveys import views

        goals.measure_panels.connect(views.pupil_voice_panel, dispatch_uid="surveys.pupil_voice")
