from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Municipality, Organisation, PendingTask, Region, UserScope
from .scoped_admin import ChangeReasonFormMixin, ScopedAdmin
from .services import organisation_save

admin.site.site_header = _("Nasjonal portefølje for kliniske studier")
admin.site.site_title = _("Kliniske studier – administrasjon")
admin.site.index_title = _("Administrasjon")


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "code", "orgnr"]
    search_fields = ["name", "code", "orgnr"]


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    list_display = ["code", "name", "county_name", "catchment_organisation", "region"]
    list_select_related = ["catchment_organisation", "region"]
    list_filter = ["region", "county_name"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["catchment_organisation"]


class OrganisationAdminForm(ChangeReasonFormMixin, forms.ModelForm):
    reason_required_message = _("Skriv kort hvorfor du endrer organisasjonen.")

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 - the admin narrows this to its fields


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    form = OrganisationAdminForm
    list_display = [
        "name",
        "kind",
        "orgnr",
        "region",
        "municipality",
        "nortrials_centre",
        "is_active",
    ]
    list_select_related = ["region", "municipality"]
    list_filter = ["region", "kind", "nortrials_centre", "is_active"]
    search_fields = ["name", "short_name", "orgnr"]
    autocomplete_fields = ["parent", "municipality"]

    def save_model(self, request, obj, form, change):
        organisation_save(
            organisation=obj,
            user=request.user,
            reason=form.cleaned_data.get("change_reason", ""),
            expected_version=form.cleaned_data.get("expected_version") if change else None,
        )


@admin.register(UserScope)
class UserScopeAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "organisation"]
    list_select_related = ["user", "region", "organisation"]
    list_filter = ["role", "region"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(PendingTask)
class PendingTaskAdmin(ScopedAdmin):
    """Read-only (see the access rule): pending work is sent by the flush task, not by hand."""

    list_display = ["task_name", "created_at", "attempts", "last_error"]
