from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbsConfig(AppConfig):
    name = "indicators.kbs"
    label = "kbs"
    verbose_name = _("KBS-rapportering til NVA")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .access import register_access_rules
        from .notifications import notify_on_login

        register_access_rules()
        user_logged_in.connect(notify_on_login, dispatch_uid="kbs-notice-on-login")
