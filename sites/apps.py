from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    default = True
    name = "sites"
    verbose_name = _("Regioner og organisasjoner")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .operations import checks  # noqa: F401  (registers the production system checks)
        from .security import security_log  # noqa: F401  (connects the security-event receivers)
        from .security.middleware import session_mark_signed_in

        user_logged_in.connect(session_mark_signed_in, dispatch_uid="session_mark_signed_in")


class PortfolioAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with our site as ``admin.site``, so every app registers on it."""

    default = False
    default_site = "sites.security.admin_site.PortfolioAdminSite"
