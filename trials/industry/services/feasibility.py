"""Feasibility requests (NorTrials "one way in"): intake, routing, answers, reminders, the compiled
answer to the sponsor, and the sponsor's outcome and rating.

Deadlines count Norwegian working days (``trials.industry.workdays``). E-mails are sent by the
tasks in ``trials.industry.tasks`` after the transaction commits; the functions here that send
claim their rows with a conditional update first, so a task that runs twice sends once.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import save_with_history
from sites.models import Organisation, Region
from sites.operations.services import task_enqueue
from trials.models import HealthCategory, Sponsor

from ..models import (
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    SponsorContact,
)
from ..workdays import add_working_days, is_working_day, working_days_between
from . import feasibility_mail as mail

DEFAULT_ANSWER_WORKING_DAYS = 5
REMINDER_WORKING_DAYS_BEFORE = 2
"""Pending answers are reminded once, when the deadline is at most this many working days away."""


def feasibility_default_deadline(*, received_on: dt.date) -> dt.date:
    return add_working_days(received_on, DEFAULT_ANSWER_WORKING_DAYS)


def feasibility_deadline_check(*, deadline: dt.date, received_on: dt.date) -> None:
    """A deadline is a Norwegian working day after the day the request came in (every channel)."""
    if deadline <= received_on or not is_working_day(deadline):
        raise ValidationError(
            {"deadline": _("Svarfristen må være en virkedag etter mottaksdatoen.")}
        )


@transaction.atomic
def feasibility_request_create(
    *,
    sponsor_name: str,
    sponsor_country: str,
    sponsor_orgnr: str = "",
    contact_name: str,
    contact_email: str,
    title: str,
    condition: str,
    hrcs_category: HealthCategory,
    phase: str,
    study_category: str,
    design_summary: str,
    key_inclusion_criteria: str,
    patients_wanted: int,
    regions: Iterable[Region] = (),
    organisations: Iterable[Organisation] = (),
    deadline: dt.date | None = None,
    channel: str = FeasibilityRequest.Channel.PORTAL,
    now: dt.datetime | None = None,
) -> FeasibilityRequest:
    """Register a request, route it to matching organisations and queue the e-mails."""
    now = now or timezone.now()
    received_on = timezone.localdate(now)
    if deadline is None:
        deadline = feasibility_default_deadline(received_on=received_on)
    feasibility_deadline_check(deadline=deadline, received_on=received_on)
    sponsor, created = Sponsor.objects.get_or_create(
        name=sponsor_name.strip(),
        defaults={
            "kind": Sponsor.Kind.INDUSTRY,
            "country": sponsor_country,
            "orgnr": sponsor_orgnr,
        },
    )
    if not created and sponsor_orgnr and not sponsor.orgnr:
        sponsor.orgnr = sponsor_orgnr
        save_with_history(
            sponsor,
            user=None,
            reason=_("Organisasjonsnummer fra mulighetsforespørsel."),
            update_fields=["orgnr"],
        )
    SponsorContact.objects.get_or_create(
        sponsor=sponsor, email=contact_email.lower(), defaults={"name": contact_name}
    )
    request = FeasibilityRequest(
        sponsor=sponsor,
        contact_name=contact_name,
        contact_email=contact_email,
        title=title,
        condition=condition,
        hrcs_category=hrcs_category,
        phase=phase,
        study_category=study_category,
        design_summary=design_summary,
        key_inclusion_criteria=key_inclusion_criteria,
        patients_wanted=patients_wanted,
        channel=channel,
        received_at=now,
        deadline=deadline,
    )
    request.full_clean()
    request.save()
    request.regions.set(regions)
    request.organisations.set(organisations)
    feasibility_request_route(request=request, now=now)
    task_enqueue(task_name="trials.tasks.feasibility_confirm", kwargs={"request_id": request.pk})
    return request


def feasibility_matching_organisations(*, request: FeasibilityRequest) -> list[Organisation]:
    """Organisations whose interest profile matches, within the regions of interest (if any),
    plus every organisation the sponsor named."""
    profiles = FeasibilityInterestProfile.objects.filter(
        is_active=True, hrcs_categories=request.hrcs_category_id
    ).select_related("organisation")
    region_ids = list(request.regions.values_list("pk", flat=True))
    if region_ids:
        profiles = profiles.filter(organisation__region_id__in=region_ids)
    matched = {
        p.organisation_id: p.organisation
        for p in profiles
        if (not p.phases or request.phase in p.phases)
        and (not p.study_categories or request.study_category in p.study_categories)
    }
    for org in request.organisations.all():
        matched.setdefault(org.pk, org)
    return sorted(matched.values(), key=lambda o: (o.name, o.pk))


@transaction.atomic
def feasibility_request_route(
    *, request: FeasibilityRequest, now: dt.datetime | None = None
) -> list[FeasibilityResponse]:
    """Create an (unanswered) response, i.e. a task, for each matching organisation not yet asked;
    the routing e-mails go out after commit."""
    now = now or timezone.now()
    if request.status not in (FeasibilityRequest.Status.RECEIVED, FeasibilityRequest.Status.ROUTED):
        raise ValidationError(_("Forespørselen er allerede besvart og kan ikke sendes videre."))
    asked = set(request.responses.values_list("organisation_id", flat=True))
    new = [
        FeasibilityResponse(request=request, organisation=org, routed_at=now)
        for org in feasibility_matching_organisations(request=request)
        if org.pk not in asked
    ]
    FeasibilityResponse.objects.bulk_create(new)
    if new or asked:
        FeasibilityRequest.objects.filter(pk=request.pk).update(
            status=FeasibilityRequest.Status.ROUTED, routed_at=request.routed_at or now
        )
        request.status = FeasibilityRequest.Status.ROUTED
        request.routed_at = request.routed_at or now
    task_enqueue(
        task_name="trials.tasks.feasibility_notify_routed",
        kwargs={"request_id": request.pk, "response_ids": [r.pk for r in new]},
    )
    return new


def feasibility_answer_check(
    *, answer: str, reason_no: str, eligible_patients_per_year: int | None
) -> None:
    """Raise a ValidationError (by field, in Norwegian) when a structured answer is incomplete."""
    errors: dict[str, str] = {}
    if answer not in (
        FeasibilityResponse.Answer.YES,
        FeasibilityResponse.Answer.MAYBE,
        FeasibilityResponse.Answer.NO,
    ):
        errors["answer"] = _("Svar ja, kanskje eller nei.")
    elif answer == FeasibilityResponse.Answer.NO and not reason_no.strip():
        errors["reason_no"] = _("Oppgi en begrunnelse når svaret er nei.")
    elif answer != FeasibilityResponse.Answer.NO and eligible_patients_per_year is None:
        errors["eligible_patients_per_year"] = _("Oppgi anslått antall aktuelle pasienter per år.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def feasibility_response_answer(
    *,
    response: FeasibilityResponse,
    answer: str,
    reason_no: str = "",
    eligible_patients_per_year: int | None = None,
    proposed_investigator: str = "",
    earliest_start: dt.date | None = None,
    now: dt.datetime | None = None,
) -> FeasibilityResponse:
    """Record an organisation's structured answer; the last answer triggers the compiled answer."""
    now = now or timezone.now()
    response = (
        FeasibilityResponse.objects.select_for_update()
        .select_related("request")
        .get(pk=response.pk)
    )
    if response.request.status != FeasibilityRequest.Status.ROUTED:
        raise ValidationError(
            _("Samlet svar er allerede sendt til sponsor; svaret kan ikke endres.")
        )
    errors: dict[str, str] = {}
    if answer not in (
        FeasibilityResponse.Answer.YES,
        FeasibilityResponse.Answer.MAYBE,
        FeasibilityResponse.Answer.NO,
    ):
        errors["answer"] = _("Svar ja, kanskje eller nei.")
    elif answer == FeasibilityResponse.Answer.NO and not reason_no.strip():
        errors["reason_no"] = _("Oppgi en begrunnelse når svaret er nei.")
    elif answer != FeasibilityResponse.Answer.NO and eligible_patients_per_year is None:
        errors["eligible_patients_per_year"] = _("Oppgi anslått antall aktuelle pasienter per år.")
    if errors:
        raise ValidationError(errors)
    response.answer = answer
    response.reason_no = reason_no.strip() if answer == FeasibilityResponse.Answer.NO else ""
    response.eligible_patients_per_year = eligible_patients_per_year
    response.proposed_investigator = proposed_investigator
    response.earliest_start = earliest_start
    response.answered_at = response.answered_at or now
    response.full_clean()
    response.save()
    pending = FeasibilityResponse.objects.filter(
        request_id=response.request_id, answer=FeasibilityResponse.Answer.PENDING
    )
    if not pending.exists():
        task_enqueue(
            task_name="trials.tasks.feasibility_compile",
            kwargs={"request_id": response.request_id},
        )
    return response


def feasibility_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind organisations that have not answered when the deadline is near. Returns e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = add_working_days(today, REMINDER_WORKING_DAYS_BEFORE)
    due = FeasibilityResponse.objects.filter(
        answer=FeasibilityResponse.Answer.PENDING,
        reminded_at__isnull=True,
        request__status=FeasibilityRequest.Status.ROUTED,
        request__deadline__gte=today,
        request__deadline__lte=horizon,
    ).values_list("pk", flat=True)
    sent = 0
    for response_id in list(due):
        # Claim first: a second run (or a second worker) finds nothing to send.
        with transaction.atomic():
            claimed = FeasibilityResponse.objects.filter(
                pk=response_id, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                response = FeasibilityResponse.objects.select_related(
                    "request", "organisation"
                ).get(pk=response_id)
                mail.send_reminder(response=response, today=today)
                sent += 1
    return sent


def feasibility_requests_due(*, today: dt.date) -> QuerySet[FeasibilityRequest]:
    """Routed requests whose deadline has come (uses feas_status_deadline_idx)."""
    return FeasibilityRequest.objects.filter(
        status=FeasibilityRequest.Status.ROUTED, deadline__lte=today
    )


def feasibility_request_compile(*, request_id: int, now: dt.datetime | None = None) -> bool:
    """Send the compiled answer (summary + XLSX) to the sponsor, once. Returns whether it was sent."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = FeasibilityRequest.objects.filter(
            pk=request_id, status=FeasibilityRequest.Status.ROUTED
        ).update(status=FeasibilityRequest.Status.COMPILED, compiled_sent_at=now)
        if not claimed:
            return False
        request = FeasibilityRequest.objects.select_related("sponsor", "hrcs_category").get(
            pk=request_id
        )
        # If sending fails the claim is rolled back and the next run tries again.
        mail.send_compiled(request=request)
    return True


@transaction.atomic
def feasibility_outcome_report(
    *,
    request: FeasibilityRequest,
    selected_organisation_ids: Iterable[int],
    satisfaction: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> FeasibilityRequest:
    """The sponsor's outcome: chosen sites (possibly none) and a 1–5 rating of the process.

    Organisations not chosen are released (and told so after commit).
    """
    now = now or timezone.now()
    request = FeasibilityRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != FeasibilityRequest.Status.COMPILED:
        raise ValidationError(_("Utfallet for denne forespørselen er allerede registrert."))
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": _("Velg en vurdering fra 1 til 5.")})
    responses = list(request.responses.all())
    candidates = {
        r.organisation_id
        for r in responses
        if r.answer in (FeasibilityResponse.Answer.YES, FeasibilityResponse.Answer.MAYBE)
    }
    selected = set(selected_organisation_ids)
    if selected - candidates:
        raise ValidationError(
            {"selected": _("Bare organisasjoner som svarte ja eller kanskje kan velges.")}
        )
    for r in responses:
        r.selected = r.organisation_id in selected
        r.released_at = None if r.selected else now
    FeasibilityResponse.objects.bulk_update(responses, ["selected", "released_at"])
    request.outcome = (
        FeasibilityRequest.Outcome.SELECTED if selected else FeasibilityRequest.Outcome.NOT_SELECTED
    )
    request.outcome_reported_at = now
    request.satisfaction = satisfaction
    request.satisfaction_comment = comment.strip()
    request.status = FeasibilityRequest.Status.CLOSED
    request.save(
        update_fields=[
            "outcome",
            "outcome_reported_at",
            "satisfaction",
            "satisfaction_comment",
            "status",
        ]
    )
    task_enqueue(
        task_name="trials.tasks.feasibility_notify_outcome", kwargs={"request_id": request.pk}
    )
    return request


def feasibility_clock(*, request: FeasibilityRequest, today: dt.date) -> dict[str, int | None]:
    """Working days left to the deadline (while open) and working days taken to the compiled answer
    (or so far)."""
    received_on = timezone.localdate(request.received_at)
    if request.compiled_sent_at:
        taken = working_days_between(received_on, timezone.localdate(request.compiled_sent_at))
        left = None
    else:
        taken = working_days_between(received_on, today)
        left = working_days_between(today, request.deadline)
    return {"days_left": left, "days_taken": taken}
