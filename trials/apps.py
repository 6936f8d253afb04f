from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = _("Studier")

    def ready(self) -> None:
        from . import signals

        signals.connect()
