from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = _("Studier")

    def ready(self) -> None:
        from . import signals
        from .selectors.access import register_access_rules
        from .selectors.history import register_history_formatters
        from .selectors.word_similarity import register_sqlite_functions

        signals.connect()
        register_access_rules()
        register_history_formatters()
        connection_created.connect(register_sqlite_functions, dispatch_uid="trials-sqlite-fns")
