from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "trials.results"
    label = "results"
    verbose_name = _("Resultatrapportering")

    def ready(self) -> None:
        from .selectors import register_access_rules

        register_access_rules()
