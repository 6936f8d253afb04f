from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True

    name = "accounts"
    verbose_name = _("Innlogging og sikkerhet")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import security_log  # noqa: F401  (connects the security-event receivers)
        from .middleware import session_mark_signed_in

        user_logged_in.connect(session_mark_signed_in, dispatch_uid="session_mark_signed_in")


class PortfolioAdminConfig(admin_apps.AdminConfig):
    default = False

    """``django.contrib.admin`` with our site as ``admin.site``, so every app registers on it."""

    default_site = "accounts.admin_site.PortfolioAdminSite"
