from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indikatorer og rapporter")

    def ready(self) -> None:
        from .aggregates import register_sqlite_functions
        from .selectors import register_access_rules

        register_access_rules()

        connection_created.connect(register_sqlite_functions, dispatch_uid="indicators-sqlite-fns")
