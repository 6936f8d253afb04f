"""Admin for the site capability profile: yearly capacity figures, with the portfolio figures
computed alongside in the change view."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sites.form_fields import counts_display
from sites.models import OrganisationCapacity, Profession
from sites.scoped_admin import ScopedAdmin
from sites.services import organisation_capacity_save

from ..selectors.capability import organisation_capability_profile
from .capacity_form import TABLES, OrganisationCapacityForm, hrcs_rows


@admin.register(OrganisationCapacity)
class OrganisationCapacityAdmin(ScopedAdmin):
    form = OrganisationCapacityForm
    list_display = [
        "organisation",
        "year",
        "has_research_support_unit",
        "research_person_years",
        "gcp_trained_staff",
        "study_nurses",
        "patients_treated",
    ]
    list_select_related = ["organisation"]
    list_filter = [
        "year",
        "has_research_support_unit",
        ("organisation__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["organisation__name", "organisation__orgnr"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["portfolio_figures", "phd_display", "hrcs_display"]
    show_full_result_count = False
    READ_ONLY_TABLES = dict(zip(TABLES, ["phd_display", "hrcs_display"], strict=True))

    def get_fields(self, request, obj=None):
        """Shown read-only, the tables are figures in words, not the stored JSON."""
        fields = [
            f for f in super().get_fields(request, obj) if f not in self.READ_ONLY_TABLES.values()
        ]
        if obj is None or self.has_change_permission(request, obj):
            return fields
        return [self.READ_ONLY_TABLES.get(f, f) for f in fields]

    @admin.display(description=_("ansatte med doktorgrad per helseprofesjon"))
    def phd_display(self, obj: OrganisationCapacity) -> str:
        return counts_display(obj.phd_by_profession, Profession.choices)

    @admin.display(description=_("pasienter behandlet per HRCS helsekategori"))
    def hrcs_display(self, obj: OrganisationCapacity) -> str:
        return counts_display(obj.patients_by_hrcs, hrcs_rows())

    def save_model(self, request, obj, form, change):
        organisation_capacity_save(
            capacity=obj,
            user=request.user,
            reason=self.change_reason(form),
            expected_version=form.cleaned_data.get("expected_version") if change else None,
        )

    @admin.display(description=_("fra porteføljen"))
    def portfolio_figures(self, obj: OrganisationCapacity):
        if not obj.pk:
            return "–"
        p = organisation_capability_profile(organisation=obj.organisation, year=obj.year)
        share = p["share_delivered_to_time_and_target"]
        return format_html(
            "{}: {}<br>{}: {} ({} / {})<br>{}: {}",
            _("Median dager fra godkjenning til første pasient"),
            "–"
            if p["median_days_approval_to_first_patient"] is None
            else p["median_days_approval_to_first_patient"],
            _("Andel studiesteder levert til tid og mål"),
            "–" if share is None else f"{round(share * 100)} %",
            p["sites_delivered_to_time_and_target"],
            p["sites_closed_with_target"],
            _("Åpne studier nå"),
            p["open_studies"],
        )
