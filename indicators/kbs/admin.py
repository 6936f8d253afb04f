"""The KBS report in the back office: periods (the administrator), decisions and figures (project
managers), local numbers (local project managers), and the candidates page where it all starts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from sites.admin_forms import ServiceRefusal, add_service_errors
from sites.scoped_admin import ScopedAdmin, ScopedInline
from trials.models import Study

from . import selectors, services
from .access import kbs_is_admin
from .models import KbsChange, KbsProject, KbsReportFile, KbsSiteNumber, ReportingPeriod
from .notifications import kbs_notice_text
from .services.figures import kbs_figures_check, kbs_site_number_check

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django_stubs_ext import StrOrPromise

REASON_HELP = _("Påkrevd når tallet avviker fra det som er registrert i systemet.")


def _refuse(modeladmin, request, error: Exception) -> None:
    text = " ".join(getattr(error, "messages", None) or [str(error)])
    modeladmin.message_user(request, text, messages.ERROR)


class ReportingPeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["year", "deadline"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ScopedAdmin):
    form = ReportingPeriodForm
    ask_for_reason = False
    list_display = ["year", "status", "deadline", "projects", "confirmed", "report_links"]
    actions = ["open_periods", "close_periods", "finalise_periods", "send_reminders"]
    change_form_template = "admin/kbs/reportingperiod/change_form.html"

    def scoped_queryset(self, request):
        reportable = Q(projects__decision=KbsProject.Decision.REPORTABLE)
        return (
            super()
            .scoped_queryset(request)
            .select_related("report_file")
            .annotate(
                n_projects=Count("projects", filter=reportable),
                n_confirmed=Count(
                    "projects", filter=reportable & Q(projects__confirmed_at__isnull=False)
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        return ["year", "deadline", "status", "finalised_at"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # periods are never deleted

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and kbs_is_admin(user=request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and kbs_is_admin(user=request.user)

    def has_add_permission(self, request, *args) -> bool:
        return super().has_add_permission(request, *args) and kbs_is_admin(user=request.user)

    @admin.display(description=_("KBS-prosjekter"))
    def projects(self, obj) -> int:
        return obj.n_projects

    @admin.display(description=_("bekreftet"))
    def confirmed(self, obj) -> int:
        return obj.n_confirmed

    @admin.display(description=_("rapport"))
    def report_links(self, obj) -> str:
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("admin:kbs_reportingperiod_report", args=[obj.pk, "csv"]),
            reverse("admin:kbs_reportingperiod_report", args=[obj.pk, "xlsx"]),
        )

    def save_model(self, request, obj, form, change):
        if change:
            return  # a period changes only by its actions (open, close, finalise)
        try:
            created = services.reporting_period_create(
                year=obj.year, user=request.user, deadline=obj.deadline
            )
        except ValidationError as error:
            raise ServiceRefusal(error) from error
        obj.pk = created.pk

    def get_urls(self):
        return [
            path(
                "<int:pk>/rapport.<str:kind>",
                self.admin_site.admin_view(self.report_view),
                name="kbs_reportingperiod_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request, pk: int, kind: str):
        """The final report of a finalised period as stored; a working copy of any other."""
        if kind not in ("csv", "xlsx") or not self.has_view_permission(request):
            raise PermissionDenied
        period = get_object_or_404(self.get_queryset(request), pk=pk)
        stored = KbsReportFile.objects.filter(period=period).first()
        if stored is not None:
            content = bytes(getattr(stored, f"{kind}_content"))
        else:
            report = services.kbs_report_build(period=period, user=request.user)
            content = getattr(report, f"{kind}_content")
        content_type = (
            "text/csv; charset=utf-8"
            if kind == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="kbs-rapport-{period.year}.{kind}"'
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        period = self.get_object(request, object_id)
        context = {
            **(extra_context or {}),
            "kbs_candidates": selectors.kbs_candidates(year=period.year).select_related(
                "responsible_organisation"
            ),
            "kbs_projects": selectors.kbs_projects(year=period.year),
            "kbs_report_file": KbsReportFile.objects.filter(period=period).first(),
        }
        return super().change_view(request, object_id, form_url, context)

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ReportingPeriod],
        service: Callable[..., object],
        done: StrOrPromise,
    ) -> None:
        changed = 0
        for period in queryset:
            try:
                service(period=period, user=request.user)
                changed += 1
            except (PermissionDenied, ValidationError) as error:
                _refuse(self, request, error)
        if changed:
            self.message_user(request, done % {"n": changed}, messages.SUCCESS)

    @admin.action(description=_("Åpne for rapportering"), permissions=["change"])
    def open_periods(self, request, queryset):
        self._each(
            request,
            queryset,
            services.reporting_period_open,
            ngettext_lazy("%(n)s periode åpnet.", "%(n)s perioder åpnet.", "n"),
        )

    @admin.action(description=_("Stenge for rapportering"), permissions=["change"])
    def close_periods(self, request, queryset):
        self._each(
            request,
            queryset,
            services.reporting_period_close,
            ngettext_lazy("%(n)s periode stengt.", "%(n)s perioder stengt.", "n"),
        )

    @admin.action(description=_("Ferdigstille og lage sluttrapporten"), permissions=["change"])
    def finalise_periods(self, request, queryset):
        self._each(
            request,
            queryset,
            services.reporting_period_finalise,
            ngettext_lazy(
                "%(n)s periode ferdigstilt; sluttrapporten er lagret.",
                "%(n)s perioder ferdigstilt; sluttrapportene er lagret.",
                "n",
            ),
        )

    @admin.action(description=_("Sende påminnelse til prosjektledere"), permissions=["change"])
    def send_reminders(self, request, queryset):
        queued = services.kbs_reminders_queue(user=request.user, today=timezone.localdate())
        self.message_user(
            request,
            ngettext("%(n)s påminnelse sendt.", "%(n)s påminnelser sendt.", queued) % {"n": queued},
        )


class KbsSiteNumberInline(ScopedInline, admin.TabularInline):
    """The local numbers, read-only here: each site reports its own (see the local list)."""

    model = KbsSiteNumber
    fields = ("site", "recruitment_number", "reported_by", "reported_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("site__organisation", "reported_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class KbsFiguresForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Begrunnelse for avvik"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REASON_HELP,
    )

    class Meta:
        model = KbsProject
        fields = ["recruitment_number", "first_recruitment_on", "last_recruitment_on"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            kbs_figures_check(
                project=self.instance,
                recruitment_number=cleaned.get("recruitment_number"),
                first_recruitment_on=cleaned.get("first_recruitment_on"),
                last_recruitment_on=cleaned.get("last_recruitment_on"),
                reason=cleaned.get("reason", ""),
            )
        except ValidationError as error:
            add_service_errors(self, error)
        return cleaned

    def _post_clean(self):
        pass  # the service validates and saves (its checks are run in ``clean``)


@admin.register(KbsProject)
class KbsProjectAdmin(ScopedAdmin):
    form = KbsFiguresForm
    ask_for_reason = False
    list_display = ["study", "year", "decision", "recruitment_number", "confirmed_at"]
    list_select_related = ["study", "period"]
    list_filter = ["period__year", "decision"]
    search_fields = ["study__public_id", "study__scientific_title"]
    readonly_fields = ["study", "period", "decision", "decided_by", "decided_at", "registered"]
    fieldsets = [
        (None, {"fields": ["study", "period", "decision", "decided_by", "decided_at"]}),
        (
            _("Tall for året"),
            {
                "fields": [
                    "registered",
                    "recruitment_number",
                    "first_recruitment_on",
                    "last_recruitment_on",
                    "reason",
                ]
            },
        ),
    ]
    inlines = [KbsSiteNumberInline]
    actions = ["undo_decisions"]
    change_list_template = "admin/kbs/kbsproject/change_list.html"
    change_form_template = "admin/kbs/kbsproject/change_form.html"

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.decision != KbsProject.Decision.REPORTABLE:
            return self.fieldsets[:1]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.period.status != ReportingPeriod.Status.OPEN:
            return [*self.readonly_fields, *KbsFiguresForm.Meta.fields]
        return self.readonly_fields

    def has_add_permission(self, request, *args) -> bool:
        return False  # a project is made by deciding on a candidate

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # undone by the action, which keeps the log

    @admin.display(description=_("år"), ordering="period__year")
    def year(self, obj) -> int:
        return obj.period.year

    @admin.display(description=_("registrert i systemet"))
    def registered(self, obj) -> str:
        found = selectors.kbs_registered(study=obj.study, year=obj.period.year)
        day = "{:%d.%m.%Y}".format
        return _("%(n)s inkludert i %(year)s; første %(first)s; siste %(last)s") % {
            "n": found.recruitment_number,
            "year": obj.period.year,
            "first": day(found.first_recruitment_on) if found.first_recruitment_on else "–",
            "last": day(found.last_recruitment_on) if found.last_recruitment_on else "–",
        }

    def save_model(self, request, obj, form, change):
        try:
            services.kbs_project_report(
                project=obj,
                user=request.user,
                recruitment_number=form.cleaned_data.get("recruitment_number"),
                first_recruitment_on=form.cleaned_data.get("first_recruitment_on"),
                last_recruitment_on=form.cleaned_data.get("last_recruitment_on"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except PermissionDenied as error:
            raise ServiceRefusal(ValidationError(str(error))) from error
        except ValidationError as error:
            raise ServiceRefusal(error) from error

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, object_id)
        changes = KbsChange.objects.filter(period=project.period, study=project.study)
        context = {
            **(extra_context or {}),
            "kbs_changes": changes.select_related("changed_by", "site__organisation"),
        }
        return super().change_view(request, object_id, form_url, context)

    def changelist_view(self, request, extra_context=None):
        notice = selectors.kbs_notice_for(user=request.user, today=timezone.localdate())
        context = {
            **(extra_context or {}),
            "kbs_notice": notice and notice.any and kbs_notice_text(notice),
        }
        return super().changelist_view(request, context)

    @admin.action(
        description=_("Angre beslutningen (tilbake til kandidat)"), permissions=["change"]
    )
    def undo_decisions(self, request, queryset):
        for project in queryset.select_related("study", "period"):
            try:
                services.kbs_decision_undo(project=project, user=request.user)
            except PermissionDenied as error:
                _refuse(self, request, error)

    def get_urls(self):
        return [
            path(
                "kandidater/",
                self.admin_site.admin_view(self.candidates_view),
                name="kbs_kbsproject_candidates",
            ),
            *super().get_urls(),
        ]

    def candidates_view(self, request):
        """The year's candidates the user decides on (all of them for the administrator)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = selectors.reporting_period_current_year(today=timezone.localdate())
        if request.method == "POST":
            return self._decide(request, year)
        found = (
            selectors.kbs_candidates(year=year)
            if kbs_is_admin(user=request.user)
            else selectors.kbs_candidates_for(user=request.user, year=year)
        )
        rows = [
            (study, selectors.kbs_health_project_type(study))
            for study in selectors.kbs_with_registered_count(found, year=year).select_related(
                "responsible_organisation"
            )[:500]
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("KBS-kandidater for %(year)s") % {"year": year},
            "opts": self.model._meta,
            "year": year,
            "rows": rows,
            "decisions": KbsProject.Decision.choices,
        }
        return TemplateResponse(request, "admin/kbs/candidates.html", context)

    def _decide(self, request, year: int):
        study = get_object_or_404(Study, pk=request.POST.get("study"))
        try:
            project = services.kbs_mark(
                study=study, year=year, decision=request.POST.get("decision", ""), user=request.user
            )
        except (PermissionDenied, ValidationError, ValueError) as error:
            _refuse(self, request, error)
            return HttpResponseRedirect(reverse("admin:kbs_kbsproject_candidates"))
        self.message_user(
            request,
            _("«%(study)s»: %(decision)s.")
            % {"study": study, "decision": project.get_decision_display()},
            messages.SUCCESS,
        )
        if project.decision == KbsProject.Decision.REPORTABLE:
            return HttpResponseRedirect(reverse("admin:kbs_kbsproject_change", args=[project.pk]))
        return HttpResponseRedirect(reverse("admin:kbs_kbsproject_candidates"))


class KbsSiteNumberForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Begrunnelse for avvik"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REASON_HELP,
    )

    class Meta:
        model = KbsSiteNumber
        fields = ["recruitment_number"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            kbs_site_number_check(
                site_number=self.instance,
                recruitment_number=cleaned.get("recruitment_number"),
                reason=cleaned.get("reason", ""),
            )
        except ValidationError as error:
            add_service_errors(self, error)
        return cleaned

    def _post_clean(self):
        pass


@admin.register(KbsSiteNumber)
class KbsSiteNumberAdmin(ScopedAdmin):
    """Local recruitment numbers: each local project manager reports their own site's."""

    form = KbsSiteNumberForm
    ask_for_reason = False
    list_display = ["project_study", "site", "year", "recruitment_number", "reported_at"]
    list_select_related = ["project__study", "project__period", "site__organisation"]
    list_filter = ["project__period__year"]
    fields = ["project_study", "site", "year", "recruitment_number", "reason"]
    readonly_fields = ["project_study", "site", "year"]

    def scoped_queryset(self, request):
        return (
            super()
            .scoped_queryset(request)
            .filter(project__decision=KbsProject.Decision.REPORTABLE)
        )

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("studie"))
    def project_study(self, obj) -> Study:
        return obj.project.study

    @admin.display(description=_("år"), ordering="project__period__year")
    def year(self, obj) -> int:
        return obj.project.period.year

    def save_model(self, request, obj, form, change):
        try:
            services.kbs_site_number_report(
                site_number=obj,
                user=request.user,
                recruitment_number=form.cleaned_data.get("recruitment_number"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except PermissionDenied as error:
            raise ServiceRefusal(ValidationError(str(error))) from error
        except ValidationError as error:
            raise ServiceRefusal(error) from error
