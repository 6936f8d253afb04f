"""Admin for industry agreements and milestones: overdue milestones flagged, the "delivered
according to agreement" verdict per agreement, and summaries per organisation and region."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sites.scoped_admin import ScopePermissionMixin

from ..models import Agreement, Milestone
from ..selectors.agreements import (
    agreement_delivery,
    agreement_delivery_summary,
    agreement_list_with_delivery,
    milestone_is_overdue,
)
from ..selectors.industry import industry_organisation_filter


def _verdict(delivered: bool | None):
    if delivered is True:
        return format_html('<span style="color:#070">✔ {}</span>', _("levert"))
    if delivered is False:
        return format_html('<span style="color:#b00">✘ {}</span>', _("ikke levert"))
    return _("pågår")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["kind", "planned_on", "actual_on", "status", "overdue", "reminded_at"]
    readonly_fields = ["overdue", "reminded_at"]

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
class AgreementAdmin(ScopePermissionMixin, SimpleHistoryAdmin):
    change_list_template = "admin/trials/agreement/change_list.html"
    list_display = [
        "__str__",
        "study",
        "sponsor",
        "organisation",
        "kind",
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
    autocomplete_fields = ["study", "sponsor", "organisation"]
    readonly_fields = ["delivery", "created_at", "updated_at"]
    show_full_result_count = False
    inlines = [MilestoneInline]

    def get_queryset(self, request):
        scoped = super().get_queryset(request).filter(industry_organisation_filter(request.user))
        return agreement_list_with_delivery(scoped)

    @admin.display(description=_("rekruttert / lovet"))
    def recruitment(self, obj: Agreement) -> str:
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
class MilestoneAdmin(ScopePermissionMixin, SimpleHistoryAdmin):
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

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(industry_organisation_filter(request.user, prefix="agreement__organisation"))
        )

    @admin.display(description=_("organisasjon"))
    def organisation(self, obj: Milestone):
        return obj.agreement.organisation

    @admin.display(description=_("forfalt"), boolean=True)
    def overdue(self, obj: Milestone) -> bool:
        return milestone_is_overdue(obj, today=timezone.localdate())
