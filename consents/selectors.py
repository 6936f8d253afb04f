"""Reads: consent state from the ledger, who needs to re-consent, who may be exported or asked,
and which rows a back-office user may see."""

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from sites.selectors import organisation_scope_q
from trials import selectors as trials_selectors
from trials.models import Study, StudySite

from .models import ConsentEvent, ConsentForm, Enrolment, Participant, Reservation

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _LatestState(TypedDict):
    """The state ``_state_of_latest`` adds to the latest event (a ``ConsentState`` value)."""

    state: str


# Consent semantics (README, "Consent semantics"). One consent is a participant × study. Its state
# is its latest event in recording order (the highest id), never the latest ``occurred_at``: two
# systems' clocks disagree by minutes, and a report that arrives late must not revive or end a
# consent behind the back of what was recorded since. An event may not be dated more than
# CONSENT_CLOCK_SKEW before the latest time already recorded for the consent; the services refuse
# it (``consent_order_check``), so ``occurred_at`` and recording order never tell different
# stories by more than ordinary clock skew.
CONSENT_CLOCK_SKEW = dt.timedelta(minutes=10)

_ACTIVE_KINDS = (ConsentEvent.Kind.GIVEN, ConsentEvent.Kind.RECONSENTED)
# Studies that use data under a legal basis other than consent.
_CONSENT_FREE_CATEGORIES = (Study.Category.REGISTRY,)


class ConsentState:
    """The state of one consent, as ``consent_state`` and the ``consent_state`` annotation give it
    (``None``: no event recorded)."""

    VALID = "valid"  # given or re-consented on the form version in force
    SUPERSEDED = "superseded"  # given on a version a newer effective version replaced: re-consent
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


def study_requires_consent(study: Study) -> bool:
    """Registry-based studies use data under a legal basis other than consent; all others need it."""
    return study.category not in _CONSENT_FREE_CATEGORIES


def consent_ledger(*, participant, study) -> QuerySet[ConsentEvent]:
    """The events of one consent, latest recorded first. ``participant`` and ``study`` are objects,
    ids or ``OuterRef``s, so single reads and set reads are the same query."""
    return ConsentEvent.objects.filter(participant=participant, study=study).order_by("-id")


def consent_form_superseded(*, on: dt.date) -> QuerySet[ConsentForm]:
    """Form versions that a newer version (same study and language) effective by ``on`` replaced.
    Not correlated with any row, so the database computes it once per query."""
    newer = ConsentForm.objects.filter(
        study=OuterRef("study_id"),
        language=OuterRef("language"),
        effective_from__lte=on,
        effective_from__gt=OuterRef("effective_from"),
    )
    return ConsentForm.objects.filter(Exists(newer))


def _state_of_latest(
    *, participant, study, on: dt.date
) -> "QuerySet[WithAnnotations[ConsentEvent, _LatestState]]":
    """The consent's latest recorded event, annotated with its state on the day ``on``."""
    superseded = consent_form_superseded(on=on).values("pk")
    return consent_ledger(participant=participant, study=study).annotate(
        state=Case(
            When(
                kind__in=_ACTIVE_KINDS,
                form_id__in=superseded,
                then=Value(ConsentState.SUPERSEDED),
            ),
            When(kind__in=_ACTIVE_KINDS, then=Value(ConsentState.VALID)),
            default=F("kind"),
            output_field=CharField(),
        )
    )


def consent_state_annotate(
    queryset: QuerySet, *, participant, study, on: dt.date | None = None
) -> QuerySet:
    """``queryset`` with ``consent_state`` (a ``ConsentState`` value or None) for each row: the one
    rule every reader of consent uses. ``participant`` and ``study`` are ``OuterRef``s to the
    row's participant and study, or fixed objects."""
    on = on or timezone.localdate()
    latest = _state_of_latest(participant=participant, study=study, on=on)
    return queryset.annotate(consent_state=Subquery(latest.values("state")[:1]))


def consent_state(
    *, participant: Participant, study: Study, on: dt.date | None = None
) -> str | None:
    """The state of a participant's consent to a study (``ConsentState``), None if none recorded."""
    if participant.pk is None:
        return None
    latest = _state_of_latest(participant=participant, study=study, on=on or timezone.localdate())
    return latest.values_list("state", flat=True).first()


def consent_current_event(*, participant: Participant, study: Study) -> ConsentEvent | None:
    """The latest recorded ledger event for a participant in a study (recording order)."""
    if participant.pk is None:
        return None
    return consent_ledger(participant=participant, study=study).first()


def consent_latest_time(*, participant: Participant, study: Study) -> dt.datetime | None:
    """The latest ``occurred_at`` recorded for the consent: no new event may lie before it by more
    than CONSENT_CLOCK_SKEW."""
    if participant.pk is None:
        return None
    return consent_ledger(participant=participant, study=study).aggregate(t=Max("occurred_at"))["t"]


def consent_is_active(*, participant: Participant, study: Study, on: dt.date | None = None) -> bool:
    """Valid consent: the latest recorded event is a consent on the form version in force."""
    return consent_state(participant=participant, study=study, on=on) == ConsentState.VALID


def consent_valid_since(*, participant: Participant, study: Study) -> dt.datetime | None:
    """When the consent in force began: the first consent recorded after the last withdrawal or
    erasure (re-consents on new versions continue it). None without valid consent."""
    if not consent_is_active(participant=participant, study=study):
        return None
    events = consent_ledger(participant=participant, study=study)
    ended = events.exclude(kind__in=_ACTIVE_KINDS).values_list("id", flat=True).first()
    current = events.filter(kind__in=_ACTIVE_KINDS)
    if ended is not None:
        current = current.filter(id__gt=ended)
    return current.order_by("id").values_list("occurred_at", flat=True).first()


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
    """Participants whose latest consent is on a form version that a newer effective version
    replaced (``ConsentState.SUPERSEDED``)."""
    return consent_state_annotate(
        Participant.objects.all(), participant=OuterRef("pk"), study=study, on=on
    ).filter(consent_state=ConsentState.SUPERSEDED)


def _reserved(scopes) -> Exists:
    return Exists(
        Reservation.objects.filter(
            participant=OuterRef("participant_id"), scope__in=scopes, lifted_at__isnull=True
        )
    )


def enrolment_exportable(
    *, period_start: dt.date, period_end: dt.date, on: dt.date | None = None
) -> QuerySet[Enrolment]:
    """Enrolments to report for a period: active during it, and the participant may be exported.

    What decides is the consent ledger as it stands (``consent_state`` on ``on``, default today),
    not the enrolment's status: in a study that requires consent only valid consent on the form
    version in force is exported (not withdrawn, not waiting to re-consent); in a registry study
    anyone whose consent (if any was recorded) is not withdrawn. Also left out: erased
    participants (or erasure pending), persons reserved against register export, and enrolments
    ended as withdrawn.
    """
    consent_free = Q(study__category__in=_CONSENT_FREE_CATEGORIES)
    ended = (ConsentState.WITHDRAWN, ConsentState.ERASED)
    return (
        consent_state_annotate(
            Enrolment.objects.filter(included_on__lte=period_end),
            participant=OuterRef("participant_id"),
            study=OuterRef("study_id"),
            on=on,
        )
        .annotate(
            # One CASE, so the database looks the consent up once per row.
            consent_allows_export=Case(
                When(consent_free & Q(consent_state__in=ended), then=Value(False)),
                When(consent_free, then=Value(True)),
                When(consent_state=ConsentState.VALID, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period_start))
        .filter(consent_allows_export=True)
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
    # Never asked again after a withdrawal, whatever was recorded since.
    qs = qs.exclude(
        Exists(
            consent_ledger(participant=OuterRef("pk"), study=study).filter(
                kind__in=(ConsentEvent.Kind.WITHDRAWN, ConsentEvent.Kind.ERASED)
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

    from .models import ExportBatch, IntegrationClient

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
    access_register(ExportBatch, AccessRule("national", editors="nobody"))
