"""The admin site: as Django's, but staff must have signed in with a second factor."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from ..admin_language import admin_language_choose
from . import services, views
from .forms import AdminLoginForm


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete results named by the target admin's ``autocomplete_label(obj)`` if it has one
    (a study site's ``__str__`` is ids only; a picker needs the study and the organisation)."""

    def serialize_result(self, obj, to_field_name):
        label = getattr(self.model_admin, "autocomplete_label", str)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj)}


# Models of installed packages whose names are not translatable (plain strings, not gettext).
UNTRANSLATED_MODEL_NAMES = {("otp_totp", "TOTPDevice"): _("Autentiseringsapper")}


class PortfolioAdminSite(admin.AdminSite):
    site_header = _("Nasjonal portefølje for kliniske studier")
    site_title = _("Porteføljeadmin")
    login_form = AdminLoginForm

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if services.second_factor_required(user=request.user):
            return request.user.is_verified()
        return True

    def login(self, request, extra_context=None):
        user = request.user
        if (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and services.second_factor_required(user=user)
            and not user.is_verified()
            and not services.totp_device_has_confirmed(user=user)
        ):
            return redirect("admin:totp_enrol")
        return super().login(request, extra_context)

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                key = (app["app_label"], model["object_name"])
                model["name"] = UNTRANSLATED_MODEL_NAMES.get(key, model["name"])
        return app_list

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        return [
            path("language/", self.admin_view(admin_language_choose), name="language"),
            path(
                "totp/enrol/",
                self.admin_view_unverified(views.totp_enrol),
                name="totp_enrol",
            ),
            *super().get_urls(),
        ]

    def admin_view_unverified(self, view):
        """Active staff who have signed in with their password but not yet enrolled a device."""

        def wrapped(request, *args, **kwargs):
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect(f"{reverse('admin:login')}?next={request.path}")
            return view(request, *args, site=self, **kwargs)

        return never_cache(csrf_protect(wrapped))
