"""The study portfolio in the admin: scoped lists, the full study form, actions and exports.

Every row comes from ``trials.selectors.study_visible_to`` (through ``ScopedAdminMixin``); every write
goes through ``trials.services``.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from sites.models import Organisation, Region
from sites.scoped_admin import ScopedAdmin, ScopedInline
from sites.selectors import organisation_scope_q, organisation_visible_to
from trials.results.admin import ResultsReportInline

from .. import selectors, services
from ..models import HealthCategory, ResearchActivity, Sponsor, Study, StudySite
from ..models.interventions import intervention_types_display
from ..selectors.history import studysite_history_for_study
from .exports import export_csv, export_xlsx
from .forms import LANGUAGES, StudyAdminForm, StudySiteFormSet
from .widgets import (
    CappedCountPaginator,
    CountLabelChangeList,
    LabelledAutocompleteSelect,
    LookaheadPaginator,
)


@admin.register(HealthCategory)
class HealthCategoryAdmin(ScopedAdmin):
    list_display = ["code", "label_nb", "label_en"]
    search_fields = ["code", "label_nb", "label_en"]


@admin.register(ResearchActivity)
class ResearchActivityAdmin(ScopedAdmin):
    list_display = ["code", "label_nb", "group_nb"]
    list_filter = ["group_nb"]
    search_fields = ["code", "label_nb", "label_en"]


@admin.register(Sponsor)
class SponsorAdmin(ScopedAdmin):
    """Sponsors are shared by all regions: every editor may add one (for autocomplete)."""

    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "orgnr"]


# --- list filters (their choices come from small tables: one cheap query each) --------------------


class RegionFilter(admin.SimpleListFilter):
    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(str(r.pk), r.name) for r in Region.objects.order_by("name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        in_region = StudySite.objects.filter(
            study=OuterRef("pk"), organisation__region_id=self.value()
        )
        return queryset.filter(
            Q(responsible_organisation__region_id=self.value()) | Exists(in_region)
        )


class OrganisationFilter(admin.SimpleListFilter):
    title = _("organisasjon")
    parameter_name = "organisation"
    KINDS = [
        Organisation.Kind.HF,
        Organisation.Kind.PRIVATE_NONPROFIT,
        Organisation.Kind.MUNICIPAL_SERVICE,
        Organisation.Kind.DENTAL_SERVICE,
        Organisation.Kind.UNIVERSITY,
    ]

    def lookups(self, request, model_admin):
        orgs = organisation_visible_to(user=request.user).filter(kind__in=self.KINDS)
        return [(str(pk), name) for pk, name in orgs.order_by("name").values_list("pk", "name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        org = self.value()
        at_org = StudySite.objects.filter(study=OuterRef("pk")).filter(
            Q(organisation_id=org) | Q(organisation__parent_id=org)
        )
        return queryset.filter(Q(responsible_organisation_id=org) | Exists(at_org))


class HealthCategoryFilter(admin.SimpleListFilter):
    title = _("HRCS helsekategori")
    parameter_name = "hrcs"

    def lookups(self, request, model_admin):
        return [(c.code, f"{c.code} {c.label_nb}") for c in HealthCategory.objects.order_by("code")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(hrcs_categories__code=self.value())


class QualityFlagFilter(admin.SimpleListFilter):
    title = _("datakvalitet")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return selectors.QualityFlag.choices

    def queryset(self, request, queryset):
        flag = self.value()
        if flag is None or flag not in selectors.QualityFlag.values:
            return queryset
        return queryset.filter(selectors.study_quality_flag_q(flag))


# --- participating sites, edited inline ----------------------------------------------------------


SITE_FIELDS = (
    "organisation",
    "status",
    "activated_on",
    "closed_on",
    "local_investigator",
    "contact_name",
    "contact_email",
    "contact_phone",
    "target_enrolment",
    "recruitment",
    "is_satellite",
    "is_decentralised",
)


# On the study form a site row shows what a coordinator reads and changes most; the dates,
# e-mail, phone and the satellite and decentralised marks are on the site's own page.
INLINE_SITE_FIELDS = (
    "organisation",
    "status",
    "local_investigator",
    "contact_name",
    "target_enrolment",
    "recruitment",
    "details",
)


class SiteRecruitmentColumn:
    """The "n/N" of a site row (the queryset annotates ``enrolled``), and the link to the rest."""

    @admin.display(description=_("inkludert"))
    def recruitment(self, site: StudySite) -> str:
        if site.pk is None:
            return "–"
        return selectors.enrolment_display(getattr(site, "enrolled", 0), site.target_enrolment)

    @admin.display(description=_("detaljer"))
    def details(self, site: StudySite) -> str:
        """A link to the site's own page: dates, e-mail, phone, satellite and decentralised."""
        if site.pk is None:
            return _("etter lagring")
        return format_html(
            '<a href="{}" title="{}">{}<span class="visually-hidden"> – {}</span></a>',
            reverse("admin:trials_studysite_change", args=[site.pk]),
            _("Datoer, e-post, telefon, satellitt og desentralisert"),
            _("Detaljer"),
            site,
        )


@admin.register(StudySite)
class StudySiteAdmin(SiteRecruitmentColumn, ScopedAdmin):
    """A site row on its own: for the site pickers (autocomplete) elsewhere, e.g. the enrolment
    form, and for a coordinator whose region has a site in a study another region leads (the
    study form is read-only to them; their own site rows are changed here)."""

    search_fields = [
        "study__public_id",
        "study__lay_title_nb",
        "study__scientific_title",
        "organisation__name",
    ]
    list_display = ["label", "status"]
    fields = ["study", *SITE_FIELDS]
    readonly_fields = ["study", "organisation", "recruitment"]

    def scoped_queryset(self, request):
        return (
            super()
            .scoped_queryset(request)
            .select_related("study", "organisation")
            .annotate(enrolled=selectors.studysite_enrolled_count())
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source = (request.GET.get("app_label"), request.GET.get("model_name"))
        if source == ("consents", "enrolment"):
            # Participants are enrolled only at sites open for inclusion.
            queryset = queryset.filter(status=StudySite.Status.OPEN)
        return queryset, may_have_duplicates

    @admin.display(description=_("studiested"))
    def label(self, site: StudySite) -> str:
        return selectors.studysite_label(site)

    def autocomplete_label(self, site: StudySite) -> str:
        return selectors.studysite_label(site)

    def has_module_permission(self, request):
        return False  # reached from the study and from the pickers

    def save_model(self, request, obj, form, change):
        services.studysite_update(site=obj, user=request.user, reason=self.change_reason(form))

    def has_add_permission(self, request):
        return False


class StudySiteInline(SiteRecruitmentColumn, ScopedInline, admin.TabularInline):
    """The study's sites in the user's scope: editable when the user may change the study."""

    model = StudySite
    formset = StudySiteFormSet
    rows = "changeable"
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = INLINE_SITE_FIELDS
    readonly_fields = ["recruitment", "details"]
    verbose_name_plural = _("studiesteder i ditt ansvarsområde")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")  # the row's label
            .annotate(enrolled=selectors.studysite_enrolled_count())
            .order_by("id")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields.get("organisation")
        if field is not None:
            # Choices come from the access policy (organisations in the user's scope).
            widget = field.widget.widget
            labelled = LabelledAutocompleteSelect(
                widget.field, widget.admin_site, attrs=widget.attrs, using=widget.db
            )
            labelled.choices = widget.choices
            labelled.labels = (
                {
                    str(pk): name
                    for pk, name in Organisation.objects.filter(study_sites__study=obj).values_list(
                        "pk", "name"
                    )
                }
                if obj is not None
                else {}
            )
            field.widget.widget = labelled
        return formset


class OtherStudySitesInline(SiteRecruitmentColumn, ScopedInline, admin.TabularInline):
    """The study's sites outside the user's scope: shown, never changed here."""

    model = StudySite
    rows = "foreign"
    extra = 0
    fields = INLINE_SITE_FIELDS
    readonly_fields = INLINE_SITE_FIELDS
    verbose_name_plural = _("studiesteder i andre regioner (kan ikke endres her)")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .annotate(enrolled=selectors.studysite_enrolled_count())
            .order_by("id")
        )


# --- the study -----------------------------------------------------------------------------------


@admin.register(Study)
class StudyAdmin(ScopedAdmin):
    form = StudyAdminForm
    # Every column fits a 1366 px laptop beside the filter panel (the navigation sidebar starts
    # folded there, see ``Media``): the identifiers tell studies with the same lay title apart,
    # then what a coordinator acts on (the flags, the status), then category and phase.
    list_display = [
        "title",
        "identifiers",
        "flags",
        "status_display",
        "category_phase",
        "recruitment",
        "region",
    ]
    list_select_related = ["responsible_organisation__region", "sponsor"]
    list_filter = [
        QualityFlagFilter,
        "status",
        RegionFilter,
        OrganisationFilter,
        "category",
        "phase",
        HealthCategoryFilter,
        "sponsor_type",
        "is_published",
    ]
    # Facet counts would run one COUNT per filter choice over the whole scope.
    show_facets = admin.ShowFacets.NEVER
    search_fields = [
        "=public_id",
        "=rek_number",
        "=eu_ct_number",
        "=eudract_number",
        "=nct_id",
        "=isrctn",
        "=sponsor_protocol_code",
        "scientific_title",
        "lay_title_nb",
    ]
    search_help_text = _("Søk på tittel eller på en identifikator (REK, EU CT, EudraCT, NCT, …).")
    autocomplete_fields = ["sponsor", "responsible_organisation", "research_activity"]
    filter_horizontal = ["hrcs_categories"]
    readonly_fields = [
        "public_id",
        "version",
        "created_at",
        "updated_at",
        "published_at",
        "care_levels",
        "recruitment",
        "review_status",
        "interventions",
    ]
    inlines = [StudySiteInline, OtherStudySitesInline, ResultsReportInline]
    show_full_result_count = False
    list_per_page = 50
    list_max_show_all = 200
    actions = ["publish", "unpublish", "close_for_inclusion", "export_as_csv", "export_as_xlsx"]
    fieldsets = [
        (
            _("Identifikatorer"),
            {
                "fields": [
                    "public_id",
                    ("rek_number", "eu_ct_number", "eudract_number"),
                    ("nct_id", "isrctn", "sponsor_protocol_code"),
                ]
            },
        ),
        (
            _("Titler og sammendrag"),
            {
                "description": _(
                    "Bokmål er påkrevd for å publisere. Endres teksten, må den gjennomgås på nytt."
                ),
                "fields": [
                    "scientific_title",
                    "lay_title_nb",
                    "lay_summary_nb",
                    "mark_nb_reviewed",
                    "lay_title_nn",
                    "lay_summary_nn",
                    "mark_nn_reviewed",
                    "lay_title_en",
                    "lay_summary_en",
                    "mark_en_reviewed",
                    "review_status",
                ],
            },
        ),
        (
            _("Klassifisering"),
            {
                "fields": [
                    ("category", "phase"),
                    "intervention_types",
                    "hrcs_categories",
                    "research_activity",
                    "conditions",
                ]
            },
        ),
        (
            _("Hvem kan delta"),
            {
                "fields": [
                    ("min_age", "max_age", "sex", "healthy_volunteers"),
                    "eligibility_criteria",
                ]
            },
        ),
        (
            _("Sponsor og ansvar"),
            {
                "fields": [
                    "responsible_organisation",
                    ("sponsor", "sponsor_type"),
                    "funding_sources",
                    ("decentralised", "decentralised_elements"),
                    "care_levels",
                ]
            },
        ),
        (
            _("Datoer og mål"),
            {
                "fields": [
                    ("application_submitted_on", "rek_approved_on", "dmp_approved_on"),
                    ("opened_on", "first_patient_in_on"),
                    ("planned_recruitment_end_on", "actual_recruitment_end_on", "completed_on"),
                    ("target_enrolment", "recruitment"),
                ]
            },
        ),
        (
            _("Status og publisering"),
            {
                "fields": [
                    "status",
                    ("is_published", "published_at"),
                    ("version", "created_at", "updated_at"),
                ]
            },
        ),
    ]

    class Media:
        css = {"all": ["trials/admin/study_list.css"]}
        js = ["trials/admin/study_list.js"]

    def scoped_queryset(self, request):
        return selectors.study_admin_list(super().scoped_queryset(request))

    def get_fieldsets(self, request, obj=None):
        """Shown read-only, the intervention types are words, not the stored list."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                name,
                {
                    **opts,
                    "fields": [
                        "interventions" if f == "intervention_types" else f for f in opts["fields"]
                    ],
                },
            )
            for name, opts in fieldsets
        ]

    @admin.display(description=_("intervensjonstyper"))
    def interventions(self, study: Study) -> str:
        return intervention_types_display(study.intervention_types)

    object_history_template = "admin/trials/study/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        self._check_visible(request, object_id)  # before reading any site history
        extra_context = {
            **(extra_context or {}),
            "site_history": studysite_history_for_study(study_id=unquote(object_id)),
        }
        return super().history_view(request, object_id, extra_context=extra_context)

    def get_changelist(self, request, **kwargs):
        return CountLabelChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """National lists count up to 10 000 rows; a scoped list counts nothing (see the paginator)."""
        if organisation_scope_q(user=request.user) is None:
            return CappedCountPaginator(queryset, per_page, orphans, allow_empty_first_page)
        try:
            page = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page = 1
        return LookaheadPaginator(queryset, per_page, page=page)

    def get_search_results(self, request, queryset, search_term):
        """An identifier is looked up exactly (indexed); anything else searches titles too."""
        term = search_term.strip()
        found = selectors.study_identifier_lookup(term)
        if found:
            return queryset.filter(**{found[0]: found[1]}), False
        return super().get_search_results(request, queryset, term)

    # columns

    @admin.display(description=_("studie"), ordering="lay_title_nb")
    def title(self, study: Study) -> str:
        """At most two lines in the list (the whole title when pointed at, and on the form)."""
        return format_html('<span class="study-title" title="{}">{}</span>', study, study)

    @admin.display(description=_("identifikatorer"))
    def identifiers(self, study: Study) -> str:
        """One identifier a line (REK, NCT, EU CT), else the public id: never an empty cell. A
        number is never broken; a narrow column may put it under its registry's name."""
        values = [
            ("REK", study.rek_number),
            ("", study.nct_id),
            ("EU CT", study.eu_ct_number),
        ]
        shown = [(name, number) for name, number in values if number]
        return format_html_join(
            mark_safe("<br>"),
            '{} <span class="nowrap">{}</span>',
            shown or [("", study.public_id)],
        )

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, study: Study) -> str:
        published = _("publisert") if study.is_published else _("ikke publisert")
        return format_html(
            '{}<br><span class="quiet">{}</span>', study.get_status_display(), published
        )

    @admin.display(description=_("kategori og fase"), ordering="category")
    def category_phase(self, study: Study) -> str:
        if study.phase == Study.Phase.NOT_APPLICABLE:
            return study.get_category_display()
        return format_html("{}<br>{}", study.get_category_display(), study.get_phase_display())

    @admin.display(description=_("region"), ordering="responsible_organisation__region__name")
    def region(self, study: Study) -> str:
        region = study.responsible_organisation.region
        return region.name if region else "–"

    @admin.display(description=_("rekruttert n/N"), ordering="enrolled")
    def recruitment(self, study: Study) -> str:
        """n/N and, under it, how many sites are open for inclusion."""
        if not hasattr(study, "enrolled"):
            return "–"
        shown = selectors.enrolment_display(study.enrolled, study.target_enrolment)
        open_sites = getattr(study, "open_sites", None)
        if open_sites is None:
            return shown
        sites = ngettext("%(n)s åpent sted", "%(n)s åpne steder", open_sites) % {"n": open_sites}
        return format_html('{}<br><span class="quiet">{}</span>', shown, sites)

    @admin.display(description=_("flagg"))
    def flags(self, study: Study) -> str:
        raised = selectors.study_flags(study)
        if not raised:
            return ""
        return format_html_join(
            mark_safe("<br>"),  # one flag per line: several run together in a narrow column
            '<span style="color:#ba2121">⚑ {}</span>',
            ((flag.label,) for flag in raised),
        )

    @admin.display(description=_("omsorgsnivåer"))
    def care_levels(self, study: Study) -> str:
        if not study.pk:
            return "–"
        return ", ".join(str(level) for level in selectors.study_care_levels(study=study)) or "–"

    @admin.display(description=_("gjennomgang av sammendrag"))
    def review_status(self, study: Study) -> str:
        rows: list[tuple[str | Promise, str | Promise]] = []
        for code, label in LANGUAGES:
            at = getattr(study, f"lay_{code}_reviewed_at")
            by = getattr(study, f"lay_{code}_reviewed_by", None)
            if at:
                when = timezone.localtime(at).strftime("%d.%m.%Y")
                rows.append(
                    (label, _("gjennomgått %(when)s av %(who)s") % {"when": when, "who": by or "?"})
                )
            else:
                rows.append((label, _("ikke gjennomgått")))
        return format_html_join(mark_safe("<br>"), "{}: {}", rows)  # noqa: S308

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name == "trials_study_change":
            queryset = queryset.select_related(
                "lay_nb_reviewed_by", "lay_nn_reviewed_by", "lay_en_reviewed_by"
            )
        return queryset

    # saving

    def save_model(self, request, obj, form, change):
        """Nothing yet: the study, its HRCS categories and its sites are saved together by
        ``study_update`` once the site rows are known (``save_related``)."""

    def save_formset(self, request, form, formset, change):
        """Site rows are saved by ``study_update`` (``save_related``)."""

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        sites, removed = [], []
        for formset in formsets:
            if formset.model is StudySite:  # (the read-only inline's forms have no fields)
                sites += formset.save(commit=False)
                removed += formset.deleted_objects
        services.study_update(
            study=form.instance,
            user=request.user,
            expected_version=data.get("expected_version"),
            loaded_status=form.loaded_status,
            reason=self.change_reason(form),
            changed_fields=form.changed_data,
            reviewed=[code for code, _label in LANGUAGES if data.get(f"mark_{code}_reviewed")],
            hrcs_categories=data.get("hrcs_categories"),
            sites=sites,
            sites_removed=removed,
        )

    # actions: each goes through a service and reports what changed and what was refused

    def _report(self, request, result: services.BulkResult, done: str | Promise) -> None:
        if not (result.changed or result.unchanged or result.refused):
            self.message_user(request, _("Ingen av de valgte ble endret."), messages.WARNING)
        if result.changed:
            self.message_user(request, done % {"n": result.changed}, messages.SUCCESS)
        if result.unchanged:
            self.message_user(
                request,
                ngettext("%(n)s var allerede slik.", "%(n)s var allerede slik.", result.unchanged)
                % {"n": result.unchanged},
                messages.INFO,
            )
        for study, why in result.refused:
            self.message_user(
                request,
                _("Ikke endret: «%(study)s» (%(id)s): %(why)s")
                % {"study": study, "id": study.public_id, "why": why},
                messages.WARNING,
            )

    @admin.action(description=_("Publiser valgte studier"), permissions=["change"])
    def publish(self, request, queryset):
        result = services.study_bulk_apply(
            studies=queryset,
            apply=lambda s: services.study_publish(study=s, user=request.user),
            changed=lambda s: not s.is_published,
        )
        self._report(
            request,
            result,
            ngettext_lazy("%(n)s studie publisert.", "%(n)s studier publisert.", "n"),
        )

    @admin.action(description=_("Avpubliser valgte studier"), permissions=["change"])
    def unpublish(self, request, queryset):
        result = services.study_bulk_apply(
            studies=queryset,
            apply=lambda s: services.study_unpublish(study=s, user=request.user),
            changed=lambda s: s.is_published,
        )
        self._report(
            request,
            result,
            ngettext_lazy("%(n)s studie avpublisert.", "%(n)s studier avpublisert.", "n"),
        )

    @admin.action(description=_("Steng valgte studier for inklusjon"), permissions=["change"])
    def close_for_inclusion(self, request, queryset):
        result = services.study_bulk_apply(
            studies=queryset,
            apply=lambda s: services.study_close_for_inclusion(study=s, user=request.user),
            changed=lambda s: s.status != Study.Status.CLOSED,
        )
        self._report(
            request,
            result,
            ngettext_lazy(
                "%(n)s studie stengt for inklusjon.", "%(n)s studier stengt for inklusjon.", "n"
            ),
        )

    @admin.action(description=_("Eksporter valgte som CSV"), permissions=["view"])
    def export_as_csv(self, request, queryset):
        return export_csv(queryset)

    @admin.action(description=_("Eksporter valgte som Excel (XLSX)"), permissions=["view"])
    def export_as_xlsx(self, request, queryset):
        return export_xlsx(queryset)
