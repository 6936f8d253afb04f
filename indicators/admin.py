"""Indicator definitions, manually reported figures, snapshots, report runs and the dashboards."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sites.operations.services import task_enqueue
from sites.scoped_admin import ScopedAdmin

from . import dashboard, selectors, services
from .catalogue import CATALOGUE
from .models import (
    Indicator,
    IndicatorSnapshot,
    ReportedDenominator,
    ReportedFigure,
    ReportRun,
    indicator_name,
)
from .periods import Period, previous_month


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name_nb",
        "focus_area",
        "unit",
        "direction",
        "target_value",
        "target_year",
        "method",
        "method_version",
    ]
    list_filter = ["focus_area", "method", "direction"]
    search_fields = ["code", "name_nb", "name_en"]
    # The method belongs to the catalogue in code (versioned); the targets to the administrators.
    readonly_fields = [
        "code",
        "method",
        "method_version",
        "description",
        "numerator",
        "denominator",
        "source",
        "breakdowns",
        "counts_people",
    ]
    fieldsets = [
        (None, {"fields": ["code", "name_nb", "name_en", "focus_area", "unit", "direction"]}),
        (
            _("Mål (årlige, fra basisåret)"),
            {"fields": ["target_value", "target_year", "baseline_year", "target_factor"]},
        ),
        (
            _("Metode"),
            {
                "fields": [
                    "method",
                    "method_version",
                    "description",
                    "numerator",
                    "denominator",
                    "source",
                    "target_note",
                    "breakdowns",
                    "counts_people",
                ]
            },
        ),
    ]
    change_list_template = "indicators/admin/indicator_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("oversikt/", view(self.overview_view), name="indicators_overview"),
            path("liga/", view(self.league_view), name="indicators_league"),
            path("studier/<slug:code>/", view(self.drilldown_view), name="indicators_drilldown"),
            *super().get_urls(),
        ]

    def _scope_and_period(self, request):
        """The user's widest scope, the scope picked (``?scope=``) and the period; a scope that is
        unknown or not the user's raises ``dashboard.ScopeRefused``."""
        outer = selectors.scope_for_user(request.user)
        if outer is None:
            raise PermissionDenied
        scope = dashboard.scope_chosen(outer, request.GET.get("scope"))
        try:
            period = Period.parse(request.GET["period"]) if request.GET.get("period") else None
        except Exception as exc:
            raise Http404 from exc
        return outer, scope, period or previous_month()

    def _dashboard_context(self, request, outer, scope, period, title) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "scope": scope,
            "outer": outer,
            "period": period or previous_month(),
            "scope_groups": dashboard.scope_choices(outer),
        }

    def _scope_refused(self, request, refused: dashboard.ScopeRefused) -> TemplateResponse:
        """The picker and a clear message, never another scope's figures in its place."""
        outer = selectors.scope_for_user(request.user)
        context = self._dashboard_context(request, outer, outer, None, _("Indikatoroversikt"))
        context["refused"] = refused.message
        return TemplateResponse(
            request, "indicators/admin/scope_refused.html", context, status=refused.status
        )

    def overview_view(self, request):
        try:
            outer, scope, period = self._scope_and_period(request)
        except dashboard.ScopeRefused as refused:
            return self._scope_refused(request, refused)
        lines = selectors.indicator_lines(period=period, scope_key=scope.key, trend_months=24)
        areas = []
        for value, label in Indicator.FocusArea.choices:
            area_lines = [line for line in lines if line.indicator.focus_area == value]
            areas.append({"label": label, "lines": area_lines})
        context = self._dashboard_context(request, outer, scope, period, _("Indikatoroversikt"))
        context["areas"] = areas
        context["drillable"] = {c for c, d in CATALOGUE.items() if d.studies}
        return TemplateResponse(request, "indicators/admin/overview.html", context)

    def league_view(self, request):
        try:
            outer, scope, period = self._scope_and_period(request)
        except dashboard.ScopeRefused as refused:
            return self._scope_refused(request, refused)
        level = "trust" if request.GET.get("niva") == "hf" else "organisation"
        region = None if scope.is_national else scope.region
        table, indicators = selectors.league_table(period=period, region=region, level=level)
        if region is not None and not scope.key.startswith("region:"):
            scope = selectors.scope_for_region(region)  # the league of an organisation's region
        context = self._dashboard_context(request, outer, scope, period, _("Ligatabell"))
        context.update({"table": table, "indicators": indicators, "level": level})
        return TemplateResponse(request, "indicators/admin/league.html", context)

    def drilldown_view(self, request, code):
        try:
            outer, scope, period = self._scope_and_period(request)
        except dashboard.ScopeRefused as refused:
            return self._scope_refused(request, refused)
        found = dashboard.drilldown(code=code, period=period, scope=scope)
        if found is None:
            raise Http404
        title = indicator_name(CATALOGUE[code].name_nb, CATALOGUE[code].name_en)
        context = self._dashboard_context(request, outer, scope, period, title)
        context["drilldown"] = found
        return TemplateResponse(request, "indicators/admin/drilldown.html", context)


@admin.register(ReportedFigure)
class ReportedFigureAdmin(ScopedAdmin):
    list_display = ["indicator", "period_kind", "period_start", "value", "source", "entered_by"]
    list_filter = ["indicator__focus_area", "period_kind"]
    list_select_related = ["indicator", "entered_by"]
    readonly_fields = ["entered_by", "entered_at"]
    autocomplete_fields = ["indicator"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


SCOPE_CHECK_FIELDS = ["kind", "value", "source", "region", "organisation", "municipality"]
DENOMINATOR_FIELDS = (
    "kind",
    "year",
    "region",
    "organisation",
    "municipality",
    "value",
    "source",
    "note",
)


class ReportedDenominatorForm(forms.ModelForm):
    """Checks the figure and its scope with the service, so the errors show on the form."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            scope: dict[str, Any] = {k: data.get(k) for k in SCOPE_CHECK_FIELDS}
            services.reported_denominator_check(**scope)
        return data


@admin.register(ReportedDenominator)
class ReportedDenominatorAdmin(ScopedAdmin):
    """New specialist-care patients and population, documented with their source."""

    list_display = ["kind", "year", "scope_key", "value", "source", "entered_by", "entered_at"]
    list_filter = ["kind", "year"]
    list_select_related = ["entered_by"]
    search_fields = ["scope_key", "source"]
    autocomplete_fields = ["municipality"]
    fields = DENOMINATOR_FIELDS
    form = ReportedDenominatorForm

    def save_model(
        self,
        request: HttpRequest,
        obj: ReportedDenominator,
        form: forms.ModelForm,
        change: bool,
    ) -> None:
        data: dict[str, Any] = {f: form.cleaned_data.get(f) for f in DENOMINATOR_FIELDS}
        obj.pk = services.reported_denominator_record(**data, user=request.user).pk


@admin.register(IndicatorSnapshot)
class IndicatorSnapshotAdmin(ScopedAdmin):
    list_display = [
        "id",
        "indicator",
        "period_kind",
        "period_start",
        "scope_key",
        "breakdown",
        "breakdown_value",
        "value",
        "provisional",
        "warnings",
        "version",
        "frozen_at",
    ]
    list_filter = ["period_kind", "scope_kind", "indicator__focus_area"]
    list_select_related = ["indicator"]
    search_fields = ["=id", "indicator__code", "scope_key"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRun)
class ReportRunAdmin(ScopedAdmin):
    list_display = [
        "period_start",
        "kind",
        "scope_key",
        "email",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "download",
    ]
    list_filter = ["status", "kind", "period_start"]
    list_select_related = ["recipient"]
    search_fields = ["email"]
    exclude = ["attachment", "workbook", "snapshots"]
    readonly_fields = [
        "kind",
        "period_start",
        "scope_key",
        "region",
        "recipient",
        "email",
        "status",
        "attempts",
        "claimed_at",
        "sent_at",
        "subject",
        "last_error",
        "download",
        "snapshot_ids",
    ]
    actions = ["send_again"]

    def scoped_queryset(self, request):
        return super().scoped_queryset(request).defer("attachment")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/vedlegg/", view(self.attachment_view), name="indicators_report_xlsx"),
            *super().get_urls(),
        ]

    @admin.display(description=_("vedlegg"))
    def download(self, obj):
        if obj.status == ReportRun.Status.PENDING:
            return "–"
        url = reverse("admin:indicators_report_xlsx", args=[obj.pk])
        return format_html('<a href="{}">XLSX</a>', url)

    @admin.display(description=_("indikatorverdier i rapporten"))
    def snapshot_ids(self, obj):
        ids = list(obj.snapshots.values_list("pk", flat=True))
        url = reverse("admin:indicators_indicatorsnapshot_changelist")
        return format_html(
            '<a href="{}?id__in={}">{} verdier</a>', url, ",".join(map(str, ids)), len(ids)
        )

    def attachment_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        visible = self.get_queryset(request).values("pk")  # another recipient's report is a 404
        run = ReportRun.objects.filter(pk=pk, pk__in=visible).select_related("workbook").first()
        if run is None:
            raise Http404
        content = run.workbook.content if run.workbook else run.attachment
        if not content:
            raise Http404
        response = HttpResponse(
            bytes(content),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="rapport-{run.pk}.xlsx"'
        return response

    @admin.action(description=_("Send på nytt"), permissions=["change"])
    def send_again(self, request, queryset):
        ids = services.report_resend(run_ids=list(queryset.values_list("pk", flat=True)))
        for run_id in ids:
            task_enqueue(task_name="indicators.tasks.send_report", kwargs={"run_id": run_id})
        self.message_user(
            request,
            ngettext(
                "%(n)s rapport lagt i kø for ny sending.",
                "%(n)s rapporter lagt i kø for ny sending.",
                len(ids),
            )
            % {"n": len(ids)},
            messages.INFO,
        )
