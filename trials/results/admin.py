"""Results reporting in the admin: the rows, a panel on each study and the league table."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from sites.scoped_admin import ScopedAdmin, ScopedInline

from . import selectors
from .models import ResultsReport

REPORT_COLUMNS = (
    "registry_id",
    "summary_results_date",
    "days_to_summary",
    "publication",
    "publication_date",
    "days_to_publication",
    "flags",
)


class ReportColumns:
    """Columns shared by the list and the panel on a study."""

    @admin.display(description=_("publikasjon"))
    def publication(self, obj: ResultsReport) -> str:
        if obj.publication_doi:
            return format_html(
                '<a href="https://doi.org/{}" rel="noopener">{}</a>',
                obj.publication_doi,
                obj.publication_doi,
            )
        if obj.publication_pmid:
            return f"PMID {obj.publication_pmid}"
        return "–"

    @admin.display(description=_("dager til resultater i register"))
    def days_to_summary(self, obj: ResultsReport) -> int | None:
        return obj.days_to_summary

    @admin.display(description=_("dager til publikasjon"))
    def days_to_publication(self, obj: ResultsReport) -> int | None:
        return obj.days_to_publication

    @admin.display(description=_("varsler"))
    def flags(self, obj: ResultsReport) -> str:
        today = timezone.localdate()
        shown = []
        if obj.summary_overdue(on=today):
            shown.append(str(_("Avsluttet for over 12 måneder siden uten resultater i register")))
        if obj.publication_overdue(on=today):
            shown.append(str(_("Over 24 måneder uten publikasjon")))
        return "; ".join(shown) or "–"


class OverdueFilter(admin.SimpleListFilter):
    title = _("forsinket rapportering")
    parameter_name = "forsinket"

    def lookups(self, request, model_admin):
        return [
            ("summary", _("Over 12 måneder uten resultater i register")),
            ("publication", _("Over 24 måneder uten publikasjon")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ResultsReport]
    ) -> QuerySet[ResultsReport]:
        kind = self.value()
        if kind in ("summary", "publication"):
            return queryset.filter(selectors.results_overdue_q(on=timezone.localdate(), kind=kind))
        return queryset


@admin.register(ResultsReport)
class ResultsReportAdmin(ReportColumns, ScopedAdmin):
    list_display = ["registry_id", "lead_institution", "completion_date", *REPORT_COLUMNS[1:]]
    list_filter = [OverdueFilter, "lead_country", "registry", "has_summary_results"]
    list_select_related = ["study"]
    search_fields = ["=registry_id", "=nct_id", "=eudract_number", "title", "lead_institution"]
    readonly_fields = [
        "study",
        "days_to_summary",
        "days_to_publication",
        "flags",
        "created_at",
        "updated_at",
    ]
    change_list_template = "results/admin/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("institusjoner/", view(self.league_view), name="results_league"),
            *super().get_urls(),
        ]

    def league_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        countries = selectors.results_countries()
        country = request.GET.get("land") or "Norway"
        if country not in countries:
            country = None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Resultatrapportering per institusjon"),
            "rows": selectors.results_league_table(country=country),
            "countries": countries,
            "country": country,
            "method": selectors.METHOD_NB,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "results/admin/league.html", context)


class ReadOnlyFormSet(BaseInlineFormSet):
    """Never saved: the change message of the study's page reads what it would have saved."""

    new_objects: list = []
    changed_objects: list = []
    deleted_objects: list = []


class ResultsReportInline(ReportColumns, ScopedInline, admin.TabularInline):
    """Results reporting of the study, read-only: the registries and the literature say it."""

    model = ResultsReport
    formset = ReadOnlyFormSet
    fields = REPORT_COLUMNS
    readonly_fields = REPORT_COLUMNS
    extra = 0
    can_delete = False
    verbose_name_plural = _("Resultatrapportering")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
