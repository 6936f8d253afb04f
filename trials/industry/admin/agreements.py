"""Admin for industry agreements and milestones: overdue milestones flagged, the "delivered
according to agreement" verdict per agreement, and summaries per organisation and region."""

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sites.admin_actions import action_with_form, apply_each
from sites.admin_forms import ServiceRefusal, add_service_errors
from sites.scoped_admin import ScopedAdmin, ScopedInline

from ..models import Agreement, Milestone
from ..selectors.agreements import (
    agreement_delivery,
    agreement_delivery_summary,
    agreement_list_with_delivery,
    milestone_is_overdue,
)
from ..services.agreements import (
    agreement_cancel,
    agreement_save,
    agreement_save_check,
    milestone_check,
    milestone_delete,
    milestone_mark_met,
    milestone_mark_missed,
    milestone_save,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Enrolled(TypedDict):
    """The count ``agreement_list_with_delivery`` adds to each agreement."""

    enrolled: int


class AgreementCancelForm(forms.Form):
    on = forms.DateField(label=_("Kansellert dato"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label=_("Årsak"), choices=[("", "---------"), *Agreement.CancellationReason.choices]
    )


class MilestoneMetForm(forms.Form):
    on = forms.DateField(
        label=_("Faktisk dato"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Datoen milepælen ble nådd."),
    )


class AgreementForm(forms.ModelForm):
    """The service's rules on the form: a cancelled agreement cannot be saved at all."""

    class Meta:
        model = Agreement
        fields = [
            "study",
            "sponsor",
            "organisation",
            "kind",
            "amends",
            "amendment_number",
            "national_template_used",
            "status",
            "received_on",
            "signed_on",
            "recruitment_commitment",
            "contact_email",
        ]

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's BaseModelForm hook, absent from the stubs
        try:
            agreement_save_check(agreement=self.instance)
        except ValidationError as exc:
            add_service_errors(self, exc)


class MilestoneForm(forms.ModelForm):
    """The actions' rules on the form: nothing on a cancelled agreement, "met" not in the future."""

    class Meta:
        model = Milestone
        fields = ["agreement", "kind", "planned_on", "actual_on", "status"]

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's BaseModelForm hook, absent from the stubs
        try:
            milestone_check(milestone=self.instance)
        except ValidationError as exc:
            add_service_errors(self, exc)


def _cancelled(agreement: Agreement | None) -> bool:
    return agreement is not None and agreement.status == Agreement.Status.CANCELLED


def _all_fields(model) -> list[str]:
    return [f.name for f in model._meta.get_fields() if getattr(f, "editable", False)]


def _verdict(delivered: bool | None):
    if delivered is True:
        return format_html('<span style="color:#070">✔ {}</span>', _("levert"))
    if delivered is False:
        return format_html('<span style="color:#b00">✘ {}</span>', _("ikke levert"))
    return _("pågår")


class MilestoneInline(ScopedInline, admin.TabularInline):
    model = Milestone
    form = MilestoneForm
    extra = 0
    fields = ["kind", "planned_on", "actual_on", "status", "overdue", "reminded_at"]
    readonly_fields = ["overdue", "reminded_at"]

    # The milestones of a cancelled agreement are shown, never changed, added or removed.
    def has_add_permission(self, request, obj=None) -> bool:
        return not _cancelled(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _cancelled(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _cancelled(obj) and super().has_delete_permission(request, obj)

    @admin.display(description=_("forfalt"))
    def overdue(self, obj: Milestone):
        if obj.pk and milestone_is_overdue(obj, today=timezone.localdate()):
            return format_html('<strong style="color:#b00">{}</strong>', _("FORFALT"))
        return ""


class OverdueFilter(admin.SimpleListFilter):
    title = _("forfalte milepæler")
    parameter_name = "forfalt"

    def lookups(self, request, model_admin):
        return [("yes", _("Har forfalte milepæler"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        field = "milestones__" if queryset.model is Agreement else ""
        return queryset.filter(
            **{
                f"{field}status": Milestone.Status.PLANNED,
                f"{field}planned_on__lt": timezone.localdate(),
            }
        ).distinct()


@admin.register(Agreement)
class AgreementAdmin(ScopedAdmin):
    form = AgreementForm
    change_list_template = "admin/industry/agreement/change_list.html"
    list_display = [
        "__str__",
        "study",
        "sponsor",
        "organisation",
        "kind",
        "amends_link",
        "status",
        "signed_on",
        "recruitment",
        "overdue_milestones",
        "delivered",
    ]
    list_select_related = ["study", "sponsor", "organisation__region"]
    list_filter = [
        "status",
        "kind",
        "national_template_used",
        "cancellation_reason",
        OverdueFilter,
        ("organisation__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "study__scientific_title",
        "study__public_id",
        "sponsor__name",
        "organisation__name",
    ]
    autocomplete_fields = ["study", "sponsor", "organisation", "amends"]
    readonly_fields = ["delivery", "amendment_list", "created_at", "updated_at"]
    show_full_result_count = False
    inlines = [MilestoneInline]
    actions = ["cancel_agreements"]

    def get_readonly_fields(self, request, obj=None):
        # Cancelling goes through the action (a date and a reason from the list), never the form;
        # a cancelled agreement is shown, not changed.
        fields = list(super().get_readonly_fields(request, obj))
        if _cancelled(obj):
            return [*fields, *(f for f in _all_fields(Agreement) if f not in fields)]
        return [*fields, "cancelled_on", "cancellation_reason"]

    def save_model(self, request, obj, form, change):
        try:
            agreement_save(
                agreement=obj,
                user=request.user,
                reason=self.change_reason(form),
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ValidationError as exc:
            raise ServiceRefusal(exc) from exc

    def save_formset(self, request, form, formset, change):
        reason = self.change_reason(form)
        milestones = formset.save(commit=False)
        try:
            for milestone in formset.deleted_objects:
                milestone_delete(milestone=milestone, user=request.user, reason=reason)
            for milestone in milestones:
                milestone_save(milestone=milestone, user=request.user, reason=reason)
        except ValidationError as exc:
            raise ServiceRefusal(exc) from exc
        formset.save_m2m()

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            kwargs["choices"] = [
                c for c in Agreement.Status.choices if c[0] != Agreement.Status.CANCELLED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.action(description=_("Kanseller valgte avtaler"), permissions=["change"])
    def cancel_agreements(self, request, queryset):
        queryset = queryset.select_related("study", "organisation")

        def run(form):
            apply_each(
                request,
                self,
                queryset,
                lambda a: agreement_cancel(
                    agreement=a,
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                ),
                ngettext_lazy("%(n)s avtale kansellert.", "%(n)s avtaler kansellert.", "n"),
            )

        return action_with_form(
            request,
            self,
            queryset,
            form_class=AgreementCancelForm,
            initial={"on": timezone.localdate()},
            title=_("Kanseller avtaler"),
            intro=_("Disse avtalene blir kansellert og telles som kansellerte i indikatorene:"),
            submit_label=_("Kanseller"),
            run=run,
            describe=lambda a: f"{a} – {a.study.scientific_title} – {a.organisation.name}",
        )

    @admin.display(description=_("endrer"))
    def amends_link(self, obj: Agreement):
        if obj.amends_id is None:
            return "–"
        url = reverse("admin:industry_agreement_change", args=[obj.amends_id])
        return format_html('<a href="{}">#{}</a>', url, obj.amends_id)

    @admin.display(description=_("tilleggsavtaler"))
    def amendment_list(self, obj: Agreement):
        if not obj.pk:
            return "–"
        rows = [
            format_html(
                '<a href="{}">{} {} ({})</a>',
                reverse("admin:industry_agreement_change", args=[a.pk]),
                _("Tilleggsavtale"),
                a.amendment_number,
                a.get_status_display(),
            )
            for a in obj.amendments.order_by("amendment_number")
        ]
        return format_html("{}", ", ".join(rows)) if rows else "–"

    def scoped_queryset(self, request):
        return agreement_list_with_delivery(super().scoped_queryset(request))

    @admin.display(description=_("rekruttert / lovet"))
    def recruitment(self, obj: "WithAnnotations[Agreement, _Enrolled]") -> str:
        return f"{obj.enrolled} / {obj.recruitment_commitment if obj.recruitment_commitment is not None else '–'}"

    @admin.display(description=_("forfalte milepæler"))
    def overdue_milestones(self, obj: Agreement):
        n = len(agreement_delivery(agreement=obj, today=timezone.localdate()).overdue)
        return format_html('<strong style="color:#b00">{}</strong>', n) if n else "0"

    @admin.display(description=_("levert iht. avtale"))
    def delivered(self, obj: Agreement):
        return _verdict(agreement_delivery(agreement=obj, today=timezone.localdate()).delivered)

    @admin.display(description=_("levert iht. avtale"))
    def delivery(self, obj: Agreement):
        if not obj.pk:
            return "–"
        obj = self.get_queryset_for_obj(obj)
        verdict = agreement_delivery(agreement=obj, today=timezone.localdate())
        return format_html("{}<br>{}", _verdict(verdict.delivered), " ".join(verdict.reasons))

    def get_queryset_for_obj(self, obj: Agreement) -> Agreement:
        return agreement_list_with_delivery(Agreement.objects.filter(pk=obj.pk)).get()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            agreements = list(cl.queryset)  # the filtered rows in scope, not just this page
            today = timezone.localdate()
            response.context_data["delivery_by_region"] = agreement_delivery_summary(
                agreements=agreements, today=today, by="region"
            )
            response.context_data["delivery_by_organisation"] = agreement_delivery_summary(
                agreements=agreements, today=today, by="organisation"
            )
        return response


@admin.register(Milestone)
class MilestoneAdmin(ScopedAdmin):
    form = MilestoneForm
    list_display = [
        "kind",
        "agreement",
        "organisation",
        "planned_on",
        "actual_on",
        "status",
        "overdue",
        "reminded_at",
    ]
    list_select_related = ["agreement__organisation"]
    list_filter = [OverdueFilter, "status", "kind"]
    search_fields = ["agreement__study__scientific_title", "agreement__organisation__name"]
    autocomplete_fields = ["agreement"]
    readonly_fields = ["reminded_at"]
    show_full_result_count = False
    actions = ["mark_met", "mark_missed"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and _cancelled(obj.agreement):
            return [*fields, *(f for f in _all_fields(Milestone) if f not in fields)]
        return fields

    def save_model(self, request, obj, form, change):
        try:
            milestone_save(
                milestone=obj,
                user=request.user,
                reason=self.change_reason(form),
                expected_version=form.cleaned_data.get("expected_version"),
            )
        except ValidationError as exc:
            raise ServiceRefusal(exc) from exc

    @admin.action(description=_("Registrer valgte milepæler som nådd"), permissions=["change"])
    def mark_met(self, request, queryset):
        queryset = queryset.select_related("agreement")

        def run(form):
            apply_each(
                request,
                self,
                queryset,
                lambda m: milestone_mark_met(
                    milestone=m, on=form.cleaned_data["on"], user=request.user
                ),
                ngettext_lazy(
                    "%(n)s milepæl registrert som nådd.",
                    "%(n)s milepæler registrert som nådd.",
                    "n",
                ),
            )

        return action_with_form(
            request,
            self,
            queryset,
            form_class=MilestoneMetForm,
            initial={"on": timezone.localdate()},
            title=_("Registrer milepæler som nådd"),
            intro=_("Disse milepælene registreres som nådd på datoen du oppgir:"),
            submit_label=_("Registrer som nådd"),
            run=run,
            describe=lambda m: f"{m} ({_('planlagt')} {m.planned_on:%d.%m.%Y}) – {m.agreement}",
        )

    @admin.action(description=_("Registrer valgte milepæler som ikke nådd"), permissions=["change"])
    def mark_missed(self, request, queryset):
        apply_each(
            request,
            self,
            queryset.select_related("agreement"),
            lambda m: milestone_mark_missed(milestone=m, user=request.user),
            ngettext_lazy(
                "%(n)s milepæl registrert som ikke nådd.",
                "%(n)s milepæler registrert som ikke nådd.",
                "n",
            ),
        )

    @admin.display(description=_("organisasjon"))
    def organisation(self, obj: Milestone):
        return obj.agreement.organisation

    @admin.display(description=_("forfalt"), boolean=True)
    def overdue(self, obj: Milestone) -> bool:
        return milestone_is_overdue(obj, today=timezone.localdate())
