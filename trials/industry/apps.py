from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "trials.industry"
    label = "industry"
    verbose_name = _("Industrisamarbeid")

    def ready(self) -> None:
        from .selectors.access import register_access_rules

        register_access_rules()
