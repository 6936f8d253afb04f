from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "consents"
    verbose_name = _("Deltakere og samtykke")

    def ready(self) -> None:
        from .selectors import register_access_rules

        register_access_rules()
