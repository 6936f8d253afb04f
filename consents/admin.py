"""Admin for participation and consent, scoped like studies.

Coordinators type the national identity number into the enrolment, consent and reservation
forms; it is turned into a pseudonym at once and never stored or shown. Registering and
withdrawing consent is the same one form.
"""

import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from sites.admin_actions import ActionReasonForm, action_with_form, apply_each
from sites.admin_forms import ServiceRefusal, add_service_errors
from sites.scoped_admin import ChangeReasonFormMixin, ScopedAdmin
from sites.spreadsheet import csv_download, csv_lines
from trials import selectors as trials_selectors
from trials.models import Study, StudySite

from . import selectors, services
from .models import (
    ConsentEvent,
    ConsentForm,
    Enrolment,
    ExportBatch,
    IntegrationClient,
    Participant,
    Reservation,
)

logger = logging.getLogger(__name__)

_sensitive = method_decorator(sensitive_post_parameters("national_id"))


RECRUITMENT_PAGE_SIZE = 100
RECRUITMENT_STUDY_CHOICES = 50
RECRUITMENT_CSV_HEADER = ["pseudonym", "fodselsar", "kjonn", "kommunenummer", "kommune"]


def _recruitment_csv(study: Study, rows: QuerySet) -> StreamingHttpResponse:
    """The recruitment list as CSV (UTF-8 with BOM for Excel), streamed in bounded memory."""
    values = rows.values_list(
        "pseudonym", "birth_year", "sex", "home_municipality__code", "home_municipality__name"
    )
    lines = csv_lines(RECRUITMENT_CSV_HEADER, values.iterator(chunk_size=2000))
    return csv_download(lines, f"rekruttering-{study.public_id}.csv")


class NoEchoTextInput(forms.TextInput):
    """A text box that never writes the submitted number back into a re-shown page."""

    def format_value(self, value):
        return None


class NationalIdFormMixin(forms.Form):
    national_id = forms.CharField(
        label=_("Fødselsnummer / D-nummer"),
        max_length=20,
        widget=NoEchoTextInput(attrs={"autocomplete": "off"}),
        help_text=_("Lagres ikke: bare et pseudonym beholdes."),
    )

    def clean_national_id(self):
        try:
            return services.participant_pseudonym(national_id=self.cleaned_data["national_id"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


def _adopt(obj, saved) -> None:
    """Let the admin's unsaved form instance stand for the row the service saved (for the log)."""
    obj.__dict__.update({k: v for k, v in saved.__dict__.items() if k != "_state"})
    obj._state.adding = False


class ParticipantChangeForm(ChangeReasonFormMixin, forms.ModelForm):
    """Birth year and sex are corrected with a reason; the service checks the values."""

    reason_required_message = _("Skriv kort hvorfor du endrer opplysningene om deltakeren.")

    class Meta:
        model = Participant
        fields = ["birth_year", "sex", "home_municipality"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if "birth_year" in cleaned and "sex" in cleaned:
            try:
                services.participant_update_check(
                    birth_year=cleaned["birth_year"], sex=cleaned["sex"]
                )
            except ValidationError as exc:
                add_service_errors(self, exc)
        return cleaned


@admin.register(Participant)
class ParticipantAdmin(ScopedAdmin):
    form = ParticipantChangeForm
    change_list_template = "admin/consents/participant/change_list.html"
    list_display = ["__str__", "birth_year", "sex", "home_municipality", "created_at", "erased_at"]
    list_select_related = ["home_municipality"]
    list_filter = ["sex"]
    search_fields = ["=pseudonym"]
    fields = ["pseudonym", "birth_year", "sex", "home_municipality", "erasure_due_on", "erased_at"]
    readonly_fields = ["pseudonym", "erasure_due_on", "erased_at"]
    autocomplete_fields = ["home_municipality"]

    def has_add_permission(self, request):
        return False  # Participants come into being through an enrolment, consent or reservation.

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.erased_at:
            return self.fields  # nothing left to correct once erased
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = services.participant_update(
                participant=obj,
                birth_year=data.get("birth_year", obj.birth_year),
                sex=data.get("sex", obj.sex),
                home_municipality=data.get("home_municipality", obj.home_municipality),
                user=request.user,
                reason=self.change_reason(form),
                expected_version=data.get("expected_version"),
            )
        except ValidationError as exc:
            raise ServiceRefusal(exc) from exc
        _adopt(obj, saved)

    # --- the recruitment list: who may be asked to join a study --------------------------------

    def get_urls(self):
        return [
            path(
                "rekruttering/",
                self.admin_site.admin_view(self.recruitment_view),
                name="consents_participant_recruitment",
            ),
            *super().get_urls(),
        ]

    def recruitment_view(self, request):
        """Pseudonym, birth year, sex and home municipality of the persons who may be asked to
        join a study the user may see; reserved persons never appear. ``?format=csv`` exports."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        visible = selectors.study_visible_to(request.user)
        study_id = request.GET.get("study", "")
        if not study_id:
            return self._recruitment_study_search(request, visible)
        if not study_id.isdigit():
            raise Http404
        study = get_object_or_404(visible, pk=study_id)
        rows = selectors.participant_recruitment_list_for(user=request.user, study=study)
        rows = rows.select_related("home_municipality")
        logger.info("recruitment list: user=%s study=%s", request.user.pk, study.pk)
        if request.GET.get("format") == "csv":
            return _recruitment_csv(study, rows)
        page = Paginator(rows, RECRUITMENT_PAGE_SIZE).get_page(request.GET.get("p"))
        return TemplateResponse(
            request,
            "admin/consents/participant/recruitment.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Rekrutteringsliste"),
                "study": study,
                "page": page,
            },
        )

    def _recruitment_study_search(self, request, visible):
        q = request.GET.get("q", "").strip()
        studies = visible.filter(status=Study.Status.OPEN)
        if q:
            studies = studies.filter(
                Q(public_id__icontains=q)
                | Q(lay_title_nb__icontains=q)
                | Q(scientific_title__icontains=q)
            )
        return TemplateResponse(
            request,
            "admin/consents/participant/recruitment.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Rekrutteringsliste"),
                "q": q,
                "studies": studies.order_by("lay_title_nb", "pk").only(
                    "pk", "public_id", "lay_title_nb", "scientific_title"
                )[:RECRUITMENT_STUDY_CHOICES],
            },
        )

    def has_delete_permission(self, request, obj=None):
        return False  # Erasure goes through a withdrawal with scope "delete my data".


class EnrolmentAddForm(NationalIdFormMixin, forms.ModelForm):
    birth_year = forms.IntegerField(label=_("fødselsår"), min_value=1850, max_value=2100)
    sex = forms.ChoiceField(label=_("kjønn"), choices=Participant.Sex.choices)

    class Meta:
        model = Enrolment
        fields = ["site", "included_on"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        site, included_on = cleaned.get("site"), cleaned.get("included_on")
        pseudonym = cleaned.get("national_id")
        if site and included_on and pseudonym:
            participant = Participant.objects.filter(pseudonym=pseudonym).first() or Participant(
                pseudonym=pseudonym
            )
            services.enrolment_check(participant=participant, site=site, included_on=included_on)
        return cleaned


class EnrolmentChangeForm(forms.ModelForm):
    """End an enrolment (completed, withdrawn or lost, with a date and a reason) or reopen it.

    The rules are the services' (``enrolment_end_check``/``enrolment_reopen_check``), shown on the
    fields they concern. Withdrawn is a withdrawal of consent and goes to the consent ledger.
    """

    withdrawal_scope = forms.ChoiceField(
        label=_("omfang av tilbaketrekking"),
        choices=[("", "---------"), *ConsentEvent.Scope.choices],
        required=False,
        help_text=_(
            "Når status settes til «Trukket seg»: hva deltakeren trekker. Registreres i "
            "samtykkeprotokollen."
        ),
    )
    withdrawal_reason = forms.ChoiceField(
        label=_("årsak til tilbaketrekking"),
        choices=[("", "---------"), *ConsentEvent.Reason.choices],
        required=False,
    )

    class Meta:
        model = Enrolment
        fields = ["status", "ended_on", "end_reason"]

    ENDING = ("status", "ended_on", "end_reason", "withdrawal_scope", "withdrawal_reason")

    def ending_changed(self) -> bool:
        """Did the user change how (or whether) the enrolment ended? (The reason alone is not.)"""
        return any(name in self.changed_data for name in self.ENDING)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if any(name in self.errors for name in ("status", "ended_on")):
            return cleaned
        stored = self.instance  # the row as loaded: the form's values are not on it yet
        status, ended_on = cleaned.get("status"), cleaned.get("ended_on")
        try:
            if status == Enrolment.Status.INCLUDED and stored.status != status:
                services.enrolment_reopen_check(enrolment=stored)
                cleaned["ended_on"], cleaned["end_reason"] = None, ""
            elif status == Enrolment.Status.INCLUDED:
                if ended_on is not None:
                    self.add_error(
                        "ended_on",
                        _(
                            "En inkludert deltaker har ingen sluttdato. Velg hvordan inklusjonen "
                            "ble avsluttet i statusfeltet."
                        ),
                    )
            elif self.ending_changed():
                services.enrolment_end_check(
                    enrolment=stored,
                    status=status or "",
                    ended_on=ended_on,
                    withdrawal_scope=cleaned.get("withdrawal_scope") or "",
                )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return cleaned


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin):
    list_display = ["participant", "study", "site", "included_on", "status", "ended_on"]
    list_select_related = ["participant", "study", "site__organisation"]
    list_filter = ["status", "study__category"]
    date_hierarchy = "included_on"
    search_fields = ["study__public_id", "study__lay_title_nb", "=participant__pseudonym"]
    fields = [
        "participant",
        "study",
        "site",
        "included_on",
        "status",
        "ended_on",
        "end_reason",
        "withdrawal_scope",
        "withdrawal_reason",
    ]
    readonly_fields = ["participant", "study", "site", "included_on"]
    autocomplete_fields = ["site"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EnrolmentAddForm
            kwargs["fields"] = ["national_id", "birth_year", "sex", "site", "included_on"]
        else:
            kwargs["form"] = EnrolmentChangeForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["national_id", "birth_year", "sex", "site", "included_on"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            # Open sites; the scoped base narrows them to the sites the user may choose.
            kwargs["queryset"] = StudySite.objects.filter(
                status=StudySite.Status.OPEN
            ).select_related("study", "organisation")
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = trials_selectors.studysite_label
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @_sensitive
    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            try:
                saved = self._change_status(request, obj, form)
            except ValidationError as exc:
                raise ServiceRefusal(exc) from exc
            if saved is not None:
                _adopt(obj, saved)
            return
        participant = Participant.objects.filter(pseudonym=form.cleaned_data["national_id"]).first()
        if participant is None:
            participant = Participant.objects.create(
                pseudonym=form.cleaned_data["national_id"],
                birth_year=form.cleaned_data["birth_year"],
                sex=form.cleaned_data["sex"],
            )
        enrolment = services.enrolment_create(
            participant=participant,
            site=form.cleaned_data["site"],
            included_on=form.cleaned_data["included_on"],
            user=request.user,
        )
        _adopt(obj, enrolment)

    def _change_status(self, request, obj, form):
        """Ending and reopening go through the services; nothing else on an enrolment changes."""
        data = form.cleaned_data
        loaded = form.initial.get("status")
        status = data["status"]
        reason = self.change_reason(form)
        expected_version = data.get("expected_version")
        if status == Enrolment.Status.INCLUDED:
            if loaded == Enrolment.Status.INCLUDED:
                return None  # nothing to end or reopen
            return services.enrolment_reopen(
                enrolment=obj, user=request.user, reason=reason, expected_version=expected_version
            )
        if not form.ending_changed():
            return None
        return services.enrolment_end(
            enrolment=obj,
            status=status,
            ended_on=data["ended_on"],
            reason=data.get("end_reason") or "",
            change_reason=reason,
            withdrawal_scope=data.get("withdrawal_scope") or "",
            withdrawal_reason=data.get("withdrawal_reason") or "",
            user=request.user,
            expected_version=expected_version,
        )

    def has_delete_permission(self, request, obj=None):
        return False


class ConsentFormForm(forms.ModelForm):
    """A version someone has consented on cannot be changed (the service says so, on the field)."""

    class Meta:
        model = ConsentForm
        fields = [
            "study",
            "version_label",
            "language",
            "approved_on",
            "effective_from",
            "text",
            "document",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's BaseModelForm hook, absent from the stubs
        try:
            services.consent_form_check(form=self.instance)
        except ValidationError as exc:
            add_service_errors(self, exc)


@admin.register(ConsentForm)
class ConsentFormAdmin(ScopedAdmin):
    form = ConsentFormForm
    list_display = ["study", "version_label", "language", "approved_on", "effective_from"]
    list_select_related = ["study"]
    list_filter = ["language"]
    search_fields = ["study__public_id", "study__lay_title_nb", "version_label"]
    autocomplete_fields = ["study"]

    def save_model(self, request, obj, form, change):
        try:
            services.consent_form_save(
                form=obj,
                user=request.user,
                reason=self.change_reason(form),
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ValidationError as exc:
            raise ServiceRefusal(exc) from exc


class ConsentEventAddForm(NationalIdFormMixin, forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("hendelse"),
        choices=[
            (ConsentEvent.Kind.GIVEN, _("Samtykke gitt")),
            (ConsentEvent.Kind.WITHDRAWN, _("Samtykke trukket")),
        ],
    )

    class Meta:
        model = ConsentEvent
        fields = ["study", "kind", "form", "channel", "scope", "reason", "occurred_at"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        kind = cleaned.get("kind")
        if kind == ConsentEvent.Kind.GIVEN:
            if not cleaned.get("form"):
                self.add_error("form", _("Velg skjemaversjonen samtykket ble gitt på."))
            elif cleaned.get("study") and cleaned["form"].study_id != cleaned["study"].pk:
                self.add_error("form", _("Skjemaet hører til en annen studie."))
            if not cleaned.get("channel"):
                self.add_error("channel", _("Velg kanal."))
        elif kind == ConsentEvent.Kind.WITHDRAWN and not cleaned.get("scope"):
            self.add_error("scope", _("Velg hva tilbaketrekkingen omfatter."))
        if not self.errors:
            self._check_rules(cleaned)
        return cleaned

    def _check_rules(self, cleaned) -> None:
        """The service's rules, so a refusal comes back on this form with what the user typed."""
        participant = Participant.objects.filter(pseudonym=cleaned["national_id"]).first()
        participant = participant or Participant(pseudonym=cleaned["national_id"])
        if cleaned["kind"] == ConsentEvent.Kind.GIVEN:
            services.consent_give_check(
                participant=participant, form=cleaned["form"], occurred_at=cleaned["occurred_at"]
            )
        else:
            services.consent_withdraw_check(
                participant=participant, study=cleaned["study"], occurred_at=cleaned["occurred_at"]
            )

    def _post_clean(self):
        pass  # The service validates and saves; the ledger model is append-only.


@admin.register(ConsentEvent)
class ConsentEventAdmin(ScopedAdmin):
    """The ledger: read-only, but new events (given or withdrawn) are added from one form."""

    list_display = ["occurred_at", "participant", "study", "kind", "form", "channel", "scope"]
    list_select_related = ["participant", "study", "form"]
    list_filter = ["kind", "channel", "scope"]
    search_fields = ["study__public_id", "=participant__pseudonym"]
    date_hierarchy = "occurred_at"
    form = ConsentEventAddForm

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "national_id",
                "study",
                "kind",
                "form",
                "channel",
                "scope",
                "reason",
                "occurred_at",
            ]
        return [
            "participant",
            "study",
            "kind",
            "form",
            "channel",
            "scope",
            "reason",
            "occurred_at",
            "recorded_by",
            "recorded_via",
            "created_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        return {"occurred_at": timezone.now(), **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "form":
            kwargs["queryset"] = ConsentForm.objects.select_related("study")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @_sensitive
    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        participant, _created = Participant.objects.get_or_create(pseudonym=data["national_id"])
        try:
            if data["kind"] == ConsentEvent.Kind.GIVEN:
                event = services.consent_give(
                    participant=participant,
                    form=data["form"],
                    channel=data["channel"],
                    occurred_at=data["occurred_at"],
                    user=request.user,
                )
            else:
                event = services.consent_withdraw(
                    participant=participant,
                    study=data["study"],
                    scope=data["scope"],
                    reason=data.get("reason") or ConsentEvent.Reason.NOT_GIVEN,
                    occurred_at=data["occurred_at"],
                    user=request.user,
                )
        except ValidationError as exc:
            raise _AdminRefusal(exc) from exc
        _adopt(obj, event)

    def add_view_refused(self, request, exc):
        messages.error(request, " ".join(exc.messages))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _AdminRefusal as refusal:
            messages.error(request, " ".join(refusal.error.messages))
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _AdminRefusal(Exception):
    def __init__(self, error: ValidationError):
        super().__init__(str(error.messages))
        self.error = error


class ReservationAddForm(NationalIdFormMixin, forms.ModelForm):
    class Meta:
        model = Reservation
        fields = ["scope", "registered_at"]


@admin.register(Reservation)
class ReservationAdmin(ScopedAdmin):
    list_display = ["participant", "scope", "registered_at", "lifted_at"]
    list_select_related = ["participant"]
    list_filter = ["scope", ("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["=participant__pseudonym"]
    actions = ["lift"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ReservationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["national_id", "scope", "registered_at"]
            if obj is None
            else [
                "participant",
                "scope",
                "registered_at",
                "lifted_at",
                "recorded_by",
                "recorded_via",
            ]
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def get_changeform_initial_data(self, request):
        return {"registered_at": timezone.now(), **super().get_changeform_initial_data(request)}

    @_sensitive
    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        participant, _created = Participant.objects.get_or_create(
            pseudonym=form.cleaned_data["national_id"]
        )
        reservation = services.reservation_register(
            participant=participant,
            scope=form.cleaned_data["scope"],
            registered_at=form.cleaned_data["registered_at"],
            user=request.user,
        )
        _adopt(obj, reservation)

    @admin.action(description=_("Opphev valgte reservasjoner"), permissions=["change"])
    def lift(self, request, queryset):
        active = queryset.filter(lifted_at__isnull=True).select_related("participant")
        already = queryset.count() - active.count()
        if already:
            messages.info(request, _("%(n)s var allerede opphevet.") % {"n": already})

        def run(form):
            lifted_at = timezone.now()
            apply_each(
                request,
                self,
                active,
                lambda r: services.reservation_lift(
                    participant=r.participant,
                    scope=r.scope,
                    lifted_at=lifted_at,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                ),
                _("%(n)s reservasjoner opphevet."),
            )

        return action_with_form(
            request,
            self,
            active,
            form_class=ActionReasonForm,
            initial={},
            title=_("Opphev reservasjoner"),
            intro=_(
                "Disse reservasjonene oppheves nå. Personene kan da igjen tas med der "
                "reservasjonen holdt dem utenfor:"
            ),
            submit_label=_("Opphev"),
            run=run,
            describe=lambda r: (
                f"{r.participant} – {r.get_scope_display()} "
                f"({_('registrert')} {timezone.localtime(r.registered_at):%d.%m.%Y})"
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IntegrationClient)
class IntegrationClientAdmin(ScopedAdmin):
    list_display = [
        "name",
        "token_prefix",
        "is_active",
        "may_register_reservations",
        "last_used_at",
    ]
    filter_horizontal = ["organisations"]
    readonly_fields = ["token_prefix", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        import secrets

        from .services.integration import token_hash

        token = f"ik_{secrets.token_urlsafe(32)}"
        obj.token_prefix, obj.token_hash = token[:8], token_hash(token)
        super().save_model(request, obj, form, change)
        messages.warning(request, _("Token (vises bare nå, ta vare på det): %(t)s") % {"t": token})


_BATCH_FIELDS: tuple[str, ...] = (
    "batch_id",
    "period",
    "organisation",
    "file_name",
    "row_count",
    "sha256",
    "rules_version",
    "status",
    "created_at",
    "sent_at",
    "superseded_at",
    "superseded_by",
)


@admin.register(ExportBatch)
class ExportBatchAdmin(ScopedAdmin):
    """The register export's batches, read-only: what each file held and when it was replaced.
    Written by the export (``manage.py export_participation``) and checked by
    ``manage.py reconcile_participation_export``."""

    list_display = [
        "period",
        "organisation",
        "file_name",
        "row_count",
        "status",
        "created_at",
        "sent_at",
        "superseded_at",
        "rules_version",
    ]
    list_select_related = ["organisation"]
    list_filter = ["status", "period", "rules_version"]
    search_fields = ["=batch_id", "=period", "file_name", "organisation__name"]
    date_hierarchy = "created_at"
    fields = _BATCH_FIELDS
    readonly_fields = _BATCH_FIELDS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
