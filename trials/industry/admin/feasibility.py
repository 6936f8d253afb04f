"""Admin for feasibility requests (NorTrials), organisations' answers (their tasks), interest
profiles and sponsor contacts. Rows are scoped by the access policy (``sites.access``)."""

from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sites.operations.services import task_enqueue
from sites.scoped_admin import ScopedAdmin, ScopedInline
from trials.models import Study

from ..models import (
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    SponsorContact,
)
from ..selectors.suggestions import feasibility_site_suggestions
from ..services import feasibility as services

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Answered(TypedDict):
    """The counts ``FeasibilityRequestAdmin.scoped_queryset`` adds to each row."""

    n_responses: int
    n_answered: int


_RESPONSE_FIELDS: tuple[str, ...] = (
    "organisation",
    "answer",
    "eligible_patients_per_year",
    "proposed_investigator",
    "earliest_start",
    "reason_no",
    "answered_at",
    "reminded_at",
    "selected",
)


class ResponseInline(ScopedInline, admin.TabularInline):
    model = FeasibilityResponse
    extra = 0
    can_delete = False
    fields = _RESPONSE_FIELDS
    readonly_fields = _RESPONSE_FIELDS
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class FeasibilityRequestForm(forms.ModelForm):
    class Meta:
        model = FeasibilityRequest
        fields = [
            "sponsor",
            "contact_name",
            "contact_email",
            "title",
            "condition",
            "hrcs_category",
            "phase",
            "study_category",
            "design_summary",
            "key_inclusion_criteria",
            "patients_wanted",
            "regions",
            "organisations",
            "deadline",
            "study",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "deadline" in self.fields:
            self.fields["deadline"].required = False

    def clean_deadline(self):
        """The same working-day rule as requests from the portal: checked when typed in here."""
        deadline = self.cleaned_data.get("deadline")
        if deadline is not None and "deadline" in self.changed_data:
            received_at = self.instance.received_at
            received_on = timezone.localdate(received_at) if received_at else timezone.localdate()
            try:
                services.feasibility_deadline_check(deadline=deadline, received_on=received_on)
            except ValidationError as exc:
                raise forms.ValidationError(
                    exc.message_dict.get("deadline", exc.messages)
                ) from None
        return deadline


@admin.register(FeasibilityRequest)
class FeasibilityRequestAdmin(ScopedAdmin):
    form = FeasibilityRequestForm
    list_display = [
        "public_id",
        "title",
        "sponsor",
        "status",
        "received_at",
        "deadline",
        "days_left",
        "days_taken",
        "answers",
        "outcome",
        "satisfaction",
    ]
    list_select_related = ["sponsor"]
    list_filter = ["status", "outcome", "channel", "phase", "hrcs_category"]
    search_fields = ["public_id", "title", "condition", "sponsor__name"]
    autocomplete_fields = ["sponsor", "organisations", "study"]
    filter_horizontal = ["regions"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    readonly_fields = [
        "public_id",
        "channel",
        "status",
        "received_at",
        "routed_at",
        "compiled_sent_at",
        "outcome",
        "outcome_reported_at",
        "satisfaction",
        "satisfaction_comment",
        "clock",
        "site_suggestions",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "public_id",
                    "sponsor",
                    ("contact_name", "contact_email"),
                    "title",
                    "condition",
                    ("hrcs_category", "phase", "study_category"),
                    "design_summary",
                    "key_inclusion_criteria",
                    "patients_wanted",
                    "regions",
                    "organisations",
                    "deadline",
                    "study",
                ]
            },
        ),
        (
            _("Forløp"),
            {
                "fields": [
                    ("channel", "status"),
                    ("received_at", "routed_at", "compiled_sent_at"),
                    "clock",
                    ("outcome", "outcome_reported_at"),
                    ("satisfaction", "satisfaction_comment"),
                ]
            },
        ),
        (_("Forslag til studiesteder"), {"fields": ["site_suggestions"]}),
    ]
    inlines = [ResponseInline]
    actions = ["compile_now", "route_again"]

    def scoped_queryset(self, request):
        answered = Count("responses", filter=~Q(responses__answer="pending"))
        return (
            super()
            .scoped_queryset(request)
            .annotate(n_responses=Count("responses"), n_answered=answered)
        )

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets if obj else self.fieldsets[:1]

    @admin.display(description=_("virkedager igjen"))
    def days_left(self, obj: FeasibilityRequest):
        left = services.feasibility_clock(request=obj, today=timezone.localdate())["days_left"]
        if left is None:
            return "–"
        if left < 0:
            return format_html('<strong style="color:#b00">{}</strong>', _("forfalt"))
        return left

    @admin.display(description=_("virkedager brukt"))
    def days_taken(self, obj: FeasibilityRequest) -> int | None:
        return services.feasibility_clock(request=obj, today=timezone.localdate())["days_taken"]

    @admin.display(description=_("svar"))
    def answers(self, obj: "WithAnnotations[FeasibilityRequest, _Answered]") -> str:
        return f"{obj.n_answered}/{obj.n_responses}"

    @admin.display(description=_("klokke"))
    def clock(self, obj: FeasibilityRequest) -> str:
        c = services.feasibility_clock(request=obj, today=timezone.localdate())
        left = "–" if c["days_left"] is None else c["days_left"]
        return _("%(taken)s virkedager brukt, %(left)s igjen til fristen") % {
            "taken": c["days_taken"],
            "left": left,
        }

    @admin.display(description=_("forslag"))
    def site_suggestions(self, obj: FeasibilityRequest):
        suggestions = feasibility_site_suggestions(request=obj, limit=10)
        if not suggestions:
            return _("Ingen tall å rangere på ennå.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><strong>{}</strong></td><td>{}</td></tr>",
            (
                (
                    i,
                    s.organisation.name,
                    s.score_display,
                    format_html_join("", "<div>{}</div>", ((line,) for line in s.explanation)),
                )
                for i, s in enumerate(suggestions, 1)
            ),
        )
        return format_html(
            "<table><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("organisasjon"),
            _("poeng"),
            _("grunnlag"),
            rows,
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.channel = FeasibilityRequest.Channel.ADMIN
            obj.received_at = timezone.now()
            if obj.deadline is None:
                obj.deadline = services.feasibility_default_deadline(
                    received_on=timezone.localdate()
                )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            services.feasibility_request_route(request=form.instance)
            task_enqueue(
                task_name="trials.tasks.feasibility_confirm",
                kwargs={"request_id": form.instance.pk},
            )

    @admin.action(description=_("Send samlet svar til sponsor nå"), permissions=["change"])
    def compile_now(self, request, queryset):
        sent = sum(
            services.feasibility_request_compile(request_id=pk)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "Samlet svar sendt for %(n)s forespørsel.",
                "Samlet svar sendt for %(n)s forespørsler.",
                sent,
            )
            % {"n": sent},
        )

    @admin.action(description=_("Send til nye matchende organisasjoner"), permissions=["change"])
    def route_again(self, request, queryset):
        count = 0
        for obj in queryset:
            try:
                count += len(services.feasibility_request_route(request=obj))
            except ValidationError as exc:
                self.message_user(request, f"{obj.public_id}: {exc.messages[0]}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(n)s ny organisasjon spurt.", "%(n)s nye organisasjoner spurt.", count)
            % {"n": count},
        )


class ResponseAnswerForm(forms.ModelForm):
    class Meta:
        model = FeasibilityResponse
        fields = [
            "answer",
            "reason_no",
            "eligible_patients_per_year",
            "proposed_investigator",
            "earliest_start",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        services.feasibility_answer_check(
            answer=data.get("answer") or "",
            reason_no=data.get("reason_no") or "",
            eligible_patients_per_year=data.get("eligible_patients_per_year"),
        )
        if self.instance.request.status != FeasibilityRequest.Status.ROUTED:
            raise ValidationError(_("Samlet svar er allerede sendt; svaret kan ikke endres."))
        return data


class PendingFilter(admin.SimpleListFilter):
    title = _("oppgave")
    parameter_name = "oppgave"

    def lookups(self, request, model_admin):
        return [("open", _("Venter på svar fra oss"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(
                answer=FeasibilityResponse.Answer.PENDING,
                request__status=FeasibilityRequest.Status.ROUTED,
            )
        return queryset


@admin.register(FeasibilityResponse)
class FeasibilityResponseAdmin(ScopedAdmin):
    """An organisation's answer: its task in the admin until answered."""

    form = ResponseAnswerForm
    list_display = [
        "request_reference",
        "request_title",
        "organisation",
        "answer",
        "deadline",
        "days_left",
        "reminded_at",
        "answered_at",
        "selected",
    ]
    list_select_related = ["request", "organisation"]
    list_filter = [
        PendingFilter,
        "answer",
        "selected",
        ("organisation__region", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["request__public_id", "request__title", "organisation__name"]
    show_full_result_count = False
    readonly_fields = [
        "request_details",
        "organisation",
        "routed_at",
        "reminded_at",
        "answered_at",
        "selected",
        "released_at",
    ]
    fields = [
        "request_details",
        "organisation",
        "answer",
        "reason_no",
        "eligible_patients_per_year",
        "proposed_investigator",
        "earliest_start",
        ("routed_at", "reminded_at", "answered_at"),
        ("selected", "released_at"),
    ]

    def scoped_queryset(self, request):
        return (
            super()
            .scoped_queryset(request)
            .select_related("request__sponsor", "request__hrcs_category", "organisation")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("referanse"), ordering="request__public_id")
    def request_reference(self, obj):
        return obj.request.public_id

    @admin.display(description=_("tittel"))
    def request_title(self, obj):
        return obj.request.title

    @admin.display(description=_("svarfrist"), ordering="request__deadline")
    def deadline(self, obj):
        return obj.request.deadline

    @admin.display(description=_("virkedager igjen"))
    def days_left(self, obj):
        if obj.answer != FeasibilityResponse.Answer.PENDING:
            return "–"
        return services.feasibility_clock(request=obj.request, today=timezone.localdate())[
            "days_left"
        ]

    @admin.display(description=_("forespørsel"))
    def request_details(self, obj):
        """Everything the site needs to answer, as the e-mail gave it: design and criteria too."""
        r = obj.request
        facts = [
            (_("Sponsor"), r.sponsor.name),
            (
                _("Studietype og fase"),
                f"{r.get_study_category_display()} · {r.get_phase_display()}",
            ),
            (_("Helsekategori"), r.hrcs_category),
            (_("Tilstand"), r.condition),
            (_("Pasienter ønsket"), r.patients_wanted),
            (_("Svarfrist"), date_format(r.deadline, "SHORT_DATE_FORMAT")),
            (_("Design"), linebreaksbr(r.design_summary)),
            (_("Viktigste inklusjonskriterier"), linebreaksbr(r.key_inclusion_criteria)),
        ]
        return format_html(
            '<strong>{}</strong> {}<dl class="request-facts">{}</dl>',
            r.public_id,
            r.title,
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", facts),
        )

    def save_model(self, request, obj, form, change):
        services.feasibility_response_answer(
            response=obj,
            answer=form.cleaned_data["answer"],
            reason_no=form.cleaned_data.get("reason_no") or "",
            eligible_patients_per_year=form.cleaned_data.get("eligible_patients_per_year"),
            proposed_investigator=form.cleaned_data.get("proposed_investigator") or "",
            earliest_start=form.cleaned_data.get("earliest_start"),
        )


class InterestProfileForm(forms.ModelForm):
    phases = forms.MultipleChoiceField(
        label=_("faser"),
        choices=Study.Phase.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen avkrysning betyr alle faser."),
    )
    study_categories = forms.MultipleChoiceField(
        label=_("studietyper"),
        choices=Study.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen avkrysning betyr alle studietyper."),
    )

    class Meta:
        model = FeasibilityInterestProfile
        fields = [
            "organisation",
            "hrcs_categories",
            "phases",
            "study_categories",
            "contact_email",
            "is_active",
        ]


@admin.register(FeasibilityInterestProfile)
class FeasibilityInterestProfileAdmin(ScopedAdmin):
    form = InterestProfileForm
    list_display = ["organisation", "contact_email", "is_active"]
    list_select_related = ["organisation"]
    list_filter = ["is_active", ("organisation__region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["organisation__name", "contact_email"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["hrcs_categories"]


@admin.register(SponsorContact)
class SponsorContactAdmin(ScopedAdmin):
    list_display = ["name", "sponsor", "email", "role"]
    list_select_related = ["sponsor"]
    search_fields = ["name", "email", "sponsor__name"]
    autocomplete_fields = ["sponsor"]
