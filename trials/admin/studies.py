from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import HealthCategory, ResearchActivity, Sponsor, Study, StudySite


@admin.register(HealthCategory)
class HealthCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "label_nb", "label_en"]
    search_fields = ["code", "label_nb", "label_en"]


@admin.register(ResearchActivity)
class ResearchActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "label_nb", "group_nb"]
    list_filter = ["group_nb"]
    search_fields = ["code", "label_nb", "label_en"]


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "orgnr"]


class StudySiteInline(admin.TabularInline):
    model = StudySite
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = [
        "organisation",
        "status",
        "activated_on",
        "local_investigator",
        "contact_name",
        "contact_email",
        "target_enrolment",
        "is_satellite",
    ]


@admin.register(Study)
class StudyAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "public_id",
        "category",
        "phase",
        "status",
        "responsible_organisation",
        "is_published",
        "updated_at",
    ]
    list_select_related = ["responsible_organisation"]
    list_filter = [
        "status",
        "category",
        "phase",
        "sponsor_type",
        "is_published",
        ("responsible_organisation__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "public_id",
        "scientific_title",
        "lay_title_nb",
        "rek_number",
        "eu_ct_number",
        "eudract_number",
        "nct_id",
        "isrctn",
        "sponsor_protocol_code",
    ]
    autocomplete_fields = ["sponsor", "responsible_organisation", "research_activity"]
    filter_horizontal = ["hrcs_categories"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    inlines = [StudySiteInline]
    show_full_result_count = False
    fieldsets = [
        (
            _("Identifikatorer"),
            {
                "fields": [
                    "public_id",
                    "rek_number",
                    "eu_ct_number",
                    "eudract_number",
                    "nct_id",
                    "isrctn",
                    "sponsor_protocol_code",
                ]
            },
        ),
        (
            _("Titler og sammendrag"),
            {
                "fields": [
                    "scientific_title",
                    "lay_title_nb",
                    "lay_summary_nb",
                    "lay_title_nn",
                    "lay_summary_nn",
                    "lay_title_en",
                    "lay_summary_en",
                ]
            },
        ),
        (
            _("Klassifisering"),
            {
                "fields": [
                    "category",
                    "phase",
                    "intervention_types",
                    "hrcs_categories",
                    "research_activity",
                    "conditions",
                ]
            },
        ),
        (
            _("Hvem kan delta"),
            {"fields": ["min_age", "max_age", "sex", "healthy_volunteers", "eligibility_criteria"]},
        ),
        (
            _("Sponsor og ansvar"),
            {
                "fields": [
                    "responsible_organisation",
                    "sponsor",
                    "sponsor_type",
                    "funding_sources",
                    "decentralised",
                    "decentralised_elements",
                ]
            },
        ),
        (
            _("Datoer og mål"),
            {
                "fields": [
                    "application_submitted_on",
                    "rek_approved_on",
                    "dmp_approved_on",
                    "opened_on",
                    "first_patient_in_on",
                    "planned_recruitment_end_on",
                    "actual_recruitment_end_on",
                    "completed_on",
                    "target_enrolment",
                ]
            },
        ),
        (
            _("Status"),
            {"fields": ["status", "is_published", "published_at", "created_at", "updated_at"]},
        ),
    ]
