from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig


class SitesConfig(AppConfig):
    default = True
    name = "sites"
    verbose_name = _("Regioner og organisasjoner")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .access import register_sites_rules
        from .form_fields import counts_display
        from .history_display import history_formatter_register
        from .models import OrganisationCapacity, Profession
        from .operations import checks  # noqa: F401  (registers the production system checks)
        from .roles import roles_sync_after_migrate
        from .security import security_log  # noqa: F401  (connects the security-event receivers)
        from .security.middleware import session_mark_signed_in

        user_logged_in.connect(session_mark_signed_in, dispatch_uid="session_mark_signed_in")
        # After every migrate the role groups match sites/roles.py (as `manage.py sync_roles` does).
        post_migrate.connect(roles_sync_after_migrate, sender=self, dispatch_uid="roles_sync")
        register_sites_rules()
        history_formatter_register(
            OrganisationCapacity,
            "phd_by_profession",
            lambda counts: counts_display(counts, Profession.choices),
        )


class PortfolioAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with our site as ``admin.site``, so every app registers on it."""

    default = False
    default_site = "sites.security.admin_site.PortfolioAdminSite"

    def ready(self) -> None:
        super().ready()
        from django.contrib.admin import widgets

        # Autocomplete fields in Nynorsk: sites/static/admin/js/vendor/select2/i18n/nn.js.
        widgets.SELECT2_TRANSLATIONS.setdefault("nn", "nn")


class PortfolioAxesConfig(AxesAppConfig):
    """django-axes (sign-in attempts and lockouts) under a Norwegian name in the admin menu."""

    default = False
    verbose_name = _("Innloggingsforsøk")


class PortfolioTotpConfig(TotpAppConfig):
    """The authenticator apps (TOTP) under a Norwegian name in the admin menu."""

    default = False
    verbose_name = _("Tofaktorinnlogging")
