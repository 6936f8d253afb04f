from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = _("Studier")

    def ready(self) -> None:
        from . import signals
        from .selectors.access import register_access_rules

        signals.connect()
        register_access_rules()
