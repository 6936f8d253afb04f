"""What registry imports leave for a person: sites to confirm, identities to decide, and status
changes to confirm. Every decision goes through ``trials.services.imports.reviews``."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sites.scoped_admin import ScopedAdmin

from ..models import (
    Decision,
    IdentityReview,
    ImportRun,
    OrganisationAlias,
    SiteMatch,
    StatusProposal,
)
from ..services.imports import reviews
from ..services.imports.runs import (
    import_folders,
    importrun_folder,
    importrun_status,
    importrun_upload,
)


@admin.register(SiteMatch)
class SiteMatchAdmin(ScopedAdmin):
    """How each registry site string was read; pick the right organisation to confirm it (the
    name is remembered for the next import)."""

    ask_for_reason = False
    list_display = ["registry_text", "study", "organisation", "confidence", "method", "outcome"]
    list_filter = ["outcome", "method"]
    list_select_related = ["study", "organisation"]
    search_fields = ["registry_text", "study__nct_id", "study__eu_ct_number", "study__public_id"]
    autocomplete_fields = ["organisation"]
    fields = [
        "study",
        "registry_text",
        "candidates",
        "organisation",
        "confidence",
        "method",
        "outcome",
    ]
    readonly_fields = ["study", "registry_text", "candidates", "confidence", "method", "outcome"]
    actions = ["confirm_candidate", "reject"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    @admin.display(description=_("kandidater"))
    def candidates(self, obj: SiteMatch) -> str:
        return ", ".join(o.name for o in obj.candidates.all()) or "–"

    def save_model(self, request, obj, form, change):
        if obj.organisation is not None:
            reviews.sitematch_confirm(match=obj, organisation=obj.organisation, user=request.user)

    @admin.action(description=_("Bekreft eneste kandidat"), permissions=["change"])
    def confirm_candidate(self, request, queryset):
        done = 0
        for match in queryset.prefetch_related("candidates"):
            found = [match.organisation] if match.organisation else list(match.candidates.all())
            if len(found) == 1:
                reviews.sitematch_confirm(match=match, organisation=found[0], user=request.user)
                done += 1
        self.message_user(
            request,
            ngettext("%(n)s studiested bekreftet.", "%(n)s studiesteder bekreftet.", done)
            % {"n": done},
        )

    @admin.action(description=_("Ikke et studiested"), permissions=["change"])
    def reject(self, request, queryset):
        for match in queryset:
            reviews.sitematch_reject(match=match, user=request.user)
        self.message_user(request, _("Markert som ikke studiested."))


class _DecisionAdmin(ScopedAdmin):
    ask_for_reason = False

    def has_add_permission(self, request, *args) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def _decide(self, request, queryset, decide) -> None:
        done = 0
        for row in queryset.filter(decision=Decision.OPEN):
            try:
                decide(row)
                done += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.WARNING)
        self.message_user(
            request, ngettext("%(n)s sak avgjort.", "%(n)s saker avgjort.", done) % {"n": done}
        )


@admin.register(IdentityReview)
class IdentityReviewAdmin(_DecisionAdmin):
    """Registry records that may be a study we have, or claim another study's identifier."""

    list_display = ["registry_id", "registry", "kind", "study", "other_study", "decision"]
    list_filter = ["decision", "kind", "registry"]
    list_select_related = ["study", "other_study"]
    search_fields = ["registry_id", "record_title", "study__nct_id", "study__eu_ct_number"]
    actions = ["link", "keep_apart"]

    @admin.action(description=_("Samme studie: koble identifikatorene"), permissions=["change"])
    def link(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda r: reviews.identityreview_decide(review=r, same_study=True, user=request.user),
        )

    @admin.action(description=_("Ulike studier: hold dem adskilt"), permissions=["change"])
    def keep_apart(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda r: reviews.identityreview_decide(review=r, same_study=False, user=request.user),
        )


@admin.register(StatusProposal)
class StatusProposalAdmin(_DecisionAdmin):
    """Status changes an import would have made backwards (reopening, regressing)."""

    list_display = [
        "study",
        "from_status",
        "to_status",
        "registry",
        "registry_updated_on",
        "decision",
    ]
    list_filter = ["decision", "registry"]
    list_select_related = ["study"]
    search_fields = ["study__nct_id", "study__eu_ct_number", "study__public_id"]
    actions = ["accept", "reject"]

    @admin.action(description=_("Bekreft statusendringen"), permissions=["change"])
    def accept(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda p: reviews.statusproposal_decide(proposal=p, accept=True, user=request.user),
        )

    @admin.action(description=_("Avvis statusendringen"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda p: reviews.statusproposal_decide(proposal=p, accept=False, user=request.user),
        )


@admin.register(OrganisationAlias)
class OrganisationAliasAdmin(ScopedAdmin):
    """Site names registries use, and the organisation each one means (from corrections)."""

    ask_for_reason = False
    list_display = ["text", "organisation", "created_by", "created_at"]
    list_select_related = ["organisation", "created_by"]
    search_fields = ["text", "organisation__name"]
    autocomplete_fields = ["organisation"]
    fields = ["text", "organisation"]

    def has_add_permission(self, request, *args) -> bool:
        return False


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fil fra et register"), required=False)
    folder = forms.ChoiceField(label=_("eller en mappe i importmappen"), required=False)

    def __init__(self, *args, folders: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        folder = cast(forms.ChoiceField, self.fields["folder"])
        folder.choices = [("", "–"), *((f, f) for f in folders)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if bool(data.get("file")) == bool(data.get("folder")):
            raise ValidationError(_("Velg enten en fil eller en mappe."))
        return data


@admin.register(ImportRun)
class ImportRunAdmin(ScopedAdmin):
    """Imports from registry files: upload a file (or pick a folder), follow the progress, read
    the report. National administrators and NorTrials."""

    list_display = ["label", "state", "done", "total", "started_by", "created_at", "finished_at"]
    list_select_related = ["started_by"]
    list_filter = ["state"]
    change_list_template = "admin/trials/importrun/change_list.html"

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("ny/", view(self.start_view), name="trials_importrun_start"),
            path("<int:pk>/rapport/", view(self.run_view), name="trials_importrun_run"),
            path("<int:pk>/status/", view(self.status_view), name="trials_importrun_status"),
            *super().get_urls(),
        ]

    def _may_start(self, request) -> bool:
        return self._role_allows(request, "add") and self._rule_allows_model(request)

    def _visible_run(self, request, pk: int) -> ImportRun:
        run = self.get_queryset(request).filter(pk=pk).first()
        if run is None or not self.has_view_permission(request):
            raise Http404
        return run

    def start_view(self, request):
        if not self._may_start(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None, folders=import_folders())
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["file"]:
                    run = importrun_upload(upload=form.cleaned_data["file"], user=request.user)
                else:
                    run = importrun_folder(folder=form.cleaned_data["folder"], user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("admin:trials_importrun_run", pk=run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer fra register"),
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/trials/importrun/start.html", context)

    def run_view(self, request, pk: int):
        run = self._visible_run(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import: %(label)s") % {"label": run.label},
            "run": run,
            "status": importrun_status(run=run),
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/trials/importrun/run.html", context)

    def status_view(self, request, pk: int):
        return JsonResponse(importrun_status(run=self._visible_run(request, pk)))
