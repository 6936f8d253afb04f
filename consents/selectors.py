"""Reads: consent state from the ledger, who needs to re-consent, who may be exported or asked,
and which rows a back-office user may see."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sites.selectors import organisation_scope_q
from trials import selectors as trials_selectors
from trials.models import Enrolment, Study, StudySite

from .models import ConsentEvent, ConsentForm, Participant, Reservation

_ACTIVE_KINDS = (ConsentEvent.Kind.GIVEN, ConsentEvent.Kind.RECONSENTED)


def consent_current_event(*, participant: Participant, study: Study) -> ConsentEvent | None:
    """The latest ledger event for a participant in a study: the current consent state."""
    if participant.pk is None:
        return None
    return (
        ConsentEvent.objects.filter(participant=participant, study=study)
        .order_by("-occurred_at", "-id")
        .first()
    )


def consent_is_active(*, participant: Participant, study: Study) -> bool:
    current = consent_current_event(participant=participant, study=study)
    return current is not None and current.kind in _ACTIVE_KINDS


def consent_form_effective(*, study: Study, language: str, on: dt.date) -> ConsentForm | None:
    """The form version in force on a day (the latest effective_from on or before it)."""
    return (
        ConsentForm.objects.filter(study=study, language=language, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def participant_needs_reconsent(
    *, study: Study, on: dt.date | None = None
) -> QuerySet[Participant]:
    """Participants with active consent on a form version that a newer effective version replaced."""
    on = on or timezone.localdate()
    latest = ConsentEvent.objects.filter(participant=OuterRef("pk"), study=study).order_by(
        "-occurred_at", "-id"
    )
    newer = ConsentForm.objects.filter(
        study=study,
        language=OuterRef("_form_language"),
        effective_from__lte=on,
        effective_from__gt=OuterRef("_form_effective"),
    )
    return (
        Participant.objects.filter(
            Exists(ConsentEvent.objects.filter(participant=OuterRef("pk"), study=study))
        )
        .annotate(
            _kind=Subquery(latest.values("kind")[:1]),
            _form_language=Subquery(latest.values("form__language")[:1]),
            _form_effective=Subquery(latest.values("form__effective_from")[:1]),
        )
        .filter(_kind__in=_ACTIVE_KINDS)
        .filter(Exists(newer))
    )


def _reserved(scopes) -> Exists:
    return Exists(
        Reservation.objects.filter(
            participant=OuterRef("participant_id"), scope__in=scopes, lifted_at__isnull=True
        )
    )


def enrolment_exportable(*, period_start: dt.date, period_end: dt.date) -> QuerySet[Enrolment]:
    """Enrolments to report for a period: active during it, and the participant may be exported.

    Left out: withdrawn enrolments, erased participants (or erasure pending), and persons with a
    reservation against register export.
    """
    return (
        Enrolment.objects.filter(included_on__lte=period_end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period_start))
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .filter(participant__erased_at__isnull=True, participant__erasure_due_on__isnull=True)
        .exclude(_reserved(Reservation.EXPORT_SCOPES))
    )


def participant_recruitment_list(*, study: Study) -> QuerySet[Participant]:
    """Known persons who may be asked to take part in a study: eligible by age and sex, not reserved
    against recruitment, not erased, and never enrolled in or withdrawn from it."""
    qs = Participant.objects.filter(erased_at__isnull=True, erasure_due_on__isnull=True).exclude(
        Exists(
            Reservation.objects.filter(
                participant=OuterRef("pk"),
                scope__in=Reservation.RECRUITMENT_SCOPES,
                lifted_at__isnull=True,
            )
        )
    )
    qs = qs.exclude(Exists(Enrolment.objects.filter(participant=OuterRef("pk"), study=study)))
    qs = qs.exclude(
        Exists(
            ConsentEvent.objects.filter(
                participant=OuterRef("pk"), study=study, kind=ConsentEvent.Kind.WITHDRAWN
            )
        )
    )
    if study.sex == Study.Sex.FEMALE:
        qs = qs.filter(sex=Participant.Sex.FEMALE)
    elif study.sex == Study.Sex.MALE:
        qs = qs.filter(sex=Participant.Sex.MALE)
    year = timezone.localdate().year
    if study.min_age is not None:
        qs = qs.filter(birth_year__lte=year - study.min_age)
    if study.max_age is not None:
        qs = qs.filter(birth_year__gte=year - study.max_age)
    return qs.order_by("pk")


def participant_recruitment_list_for(*, user, study: Study) -> QuerySet[Participant]:
    """The recruitment list of a study as a back-office user may see it: persons known in the
    user's scope (``participant_visible_to``) who may be asked; everyone for national roles.

    The caller has already checked that the user may see the study (a foreign study is a 404).
    """
    candidates = participant_recruitment_list(study=study)
    if organisation_scope_q(user=user) is not None:
        candidates = candidates.filter(pk__in=participant_visible_to(user).values("pk"))
    return candidates


def study_enrolment_counts(*, study_ids) -> dict[int, int]:
    """Recruitment so far ("n" of "n/N"): enrolments ever included, per study, in one query."""
    from django.db.models import Count

    rows = (
        Enrolment.objects.filter(study_id__in=study_ids)
        .values("study_id")
        .annotate(n=Count("id"))
        .values_list("study_id", "n")
    )
    return dict(rows)


# Scoping: the studies a back-office user may see come from the one rule in trials.selectors.


def study_visible_to(user) -> QuerySet[Study]:
    return trials_selectors.study_visible_to(user=user)


def enrolment_visible_to(user) -> QuerySet[Enrolment]:
    """Enrolments at a site of one of the user's organisations (every one for national roles)."""
    q = organisation_scope_q(user=user, prefix="site__organisation__")
    return Enrolment.objects.all() if q is None else Enrolment.objects.filter(q)


def consent_event_visible_to(user) -> QuerySet[ConsentEvent]:
    """Ledger events of a study with a site of the user's organisations, for persons enrolled at
    one of those sites or not (yet) enrolled in the study at all; none of another region's
    participants."""
    q = organisation_scope_q(user=user, prefix="organisation__")
    if q is None:
        return ConsentEvent.objects.all()
    site_here = StudySite.objects.filter(q, study=OuterRef("study_id"))
    enrolled = Enrolment.objects.filter(
        participant=OuterRef("participant_id"), study=OuterRef("study_id")
    )
    enrolled_here = enrolled.filter(site__in=StudySite.objects.filter(q).values("pk"))
    return ConsentEvent.objects.filter(
        Exists(enrolled_here) | (Exists(site_here) & ~Exists(enrolled))
    )


def participant_visible_to(user) -> QuerySet[Participant]:
    """Participants enrolled at a site of the user's organisations, or with a ledger event the
    user may see (consent registered before enrolment); every one for national roles."""
    if organisation_scope_q(user=user) is None:
        return Participant.objects.all()
    return Participant.objects.filter(
        Exists(enrolment_visible_to(user).filter(participant=OuterRef("pk")))
        | Exists(consent_event_visible_to(user).filter(participant=OuterRef("pk")))
    )


def register_access_rules() -> None:
    """The consents app's admin models in the one access policy (``sites.access``)."""
    from sites.access import AccessRule, access_register

    from .models import IntegrationClient

    access_register(Participant, AccessRule("scoped", visible=participant_visible_to))
    access_register(Enrolment, AccessRule("scoped", visible=enrolment_visible_to))
    access_register(ConsentEvent, AccessRule("scoped", visible=consent_event_visible_to))
    access_register(
        ConsentForm,
        AccessRule(
            "scoped",
            visible=lambda user: ConsentForm.objects.filter(
                study__in=study_visible_to(user).values("pk")
            ),
        ),
    )
    access_register(
        Reservation,
        AccessRule(
            "scoped",
            visible=lambda user: Reservation.objects.filter(
                participant__in=participant_visible_to(user).values("pk")
            ),
        ),
    )
    access_register(IntegrationClient, AccessRule("national", editors="national"))
