"""What a coordinator decides after an import: a site's organisation, whether two registry
records are one study, and a status change the import only proposed."""

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import save_with_history
from sites.models import Municipality, Organisation
from sites.services import organisation_save

from ...models import (
    Decision,
    IdentityReview,
    OrganisationAlias,
    RegistryRecord,
    SiteMatch,
    StatusProposal,
    Study,
)
from ...validators import IDENTIFIER_FIELDS
from .sitematch import normalise_name
from .sites import site_status, studysite_ensure
from .unassigned import UNASSIGNED_PREFIX, responsible_assign

S = Study.Status


def _decider(user: AbstractBaseUser | None) -> User | None:
    """The account recorded as deciding: a signed-in user, never the anonymous one."""
    return user if isinstance(user, User) else None


def organisation_for_municipality(*, municipality: Municipality) -> Organisation:
    """The municipality's health service as an organisation (made the first time it is met)."""
    found = Organisation.objects.filter(
        municipality=municipality, kind=Organisation.Kind.MUNICIPAL_SERVICE
    ).first()
    if found is not None:
        return found
    organisation = Organisation(
        name=f"{municipality.name} kommune",
        kind=Organisation.Kind.MUNICIPAL_SERVICE,
        municipality=municipality,
        region=municipality.region,
        latitude=municipality.latitude,
        longitude=municipality.longitude,
    )
    return organisation_save(
        organisation=organisation, user=None, reason="Kommunal helsetjeneste fra registerimport"
    )


@transaction.atomic
def sitematch_confirm(
    *, match: SiteMatch, organisation: Organisation, user: AbstractBaseUser | None
) -> SiteMatch:
    """The site is this organisation: the study gets the site, and the name is remembered so the
    next import reads it the same way."""
    match = SiteMatch.objects.select_for_update().get(pk=match.pk)
    decided_by = _decider(user)
    if match.registry_text.startswith(UNASSIGNED_PREFIX):
        # Not a site name to remember: the trial's Norwegian site, chosen for this study only.
        responsible_assign(study=match.study, organisation=organisation, user=decided_by)
    else:
        key = normalise_name(match.registry_text)
        alias = OrganisationAlias.objects.filter(key=key).first() or OrganisationAlias(key=key)
        alias.text = match.registry_text
        alias.organisation = organisation
        alias.created_by = decided_by
        alias.save()
    match.organisation = organisation
    match.outcome = SiteMatch.Outcome.CONFIRMED
    match.method = SiteMatch.Method.CORRECTION
    match.confidence = 100
    match.decided_by_id = decided_by.pk if decided_by is not None else None
    match.decided_at = timezone.now()
    match.save()
    studysite_ensure(
        study=match.study,
        organisation=organisation,
        status=site_status(match.study, None),
        reason=f"Studiested bekreftet fra registerimport («{match.registry_text}»)",
    )
    return match


@transaction.atomic
def sitematch_reject(*, match: SiteMatch, user: AbstractBaseUser | None) -> SiteMatch:
    """Not a Norwegian site we keep: later imports leave it out."""
    match.outcome = SiteMatch.Outcome.REJECTED
    match.decided_by = _decider(user)
    match.decided_at = timezone.now()
    match.save()
    return match


@transaction.atomic
def identityreview_decide(
    *, review: IdentityReview, same_study: bool, user: AbstractBaseUser | None
) -> IdentityReview:
    """Link the registry record to the study (its identifiers are added where the study has
    none), or keep them apart (the next import makes it a study of its own)."""
    review = IdentityReview.objects.select_for_update().get(pk=review.pk)
    if review.decision != Decision.OPEN:
        raise ValidationError(_("Denne saken er allerede avgjort."))
    review.decision = Decision.ACCEPTED if same_study else Decision.REJECTED
    review.decided_by = _decider(user)
    review.decided_at = timezone.now()
    review.save()
    if same_study:
        _link_identifiers(review, user)
    return review


def _link_identifiers(review: IdentityReview, user: AbstractBaseUser | None) -> None:
    study = Study.objects.select_for_update().get(pk=review.study_id)
    added = []
    for kind in IDENTIFIER_FIELDS:
        value = str(review.identifiers.get(kind) or "")
        if (
            value
            and not getattr(study, kind)
            and not Study.objects.filter(**{kind: value}).exists()
        ):
            setattr(study, kind, value)
            added.append(value)
    if added:
        study.full_clean()
        save_with_history(
            study,
            user=user,
            reason=f"Koblet til {review.get_registry_display()} {review.registry_id}",
        )
    RegistryRecord.objects.get_or_create(
        registry=review.registry,
        registry_id=review.registry_id,
        defaults={"study": study, "file_format": "", "is_primary": False},
    )


@transaction.atomic
def statusproposal_decide(
    *, proposal: StatusProposal, accept: bool, user: AbstractBaseUser | None
) -> StatusProposal:
    """Apply a proposed status (a reopened study loses its end dates) or turn it down."""
    proposal = StatusProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.decision != Decision.OPEN:
        raise ValidationError(_("Dette forslaget er allerede avgjort."))
    proposal.decision = Decision.ACCEPTED if accept else Decision.REJECTED
    proposal.decided_by = _decider(user)
    proposal.decided_at = timezone.now()
    proposal.save()
    if accept:
        study = Study.objects.select_for_update().get(pk=proposal.study_id)
        study.status = proposal.to_status
        if proposal.to_status in (S.DRAFT, S.AWAITING_APPROVAL, S.APPROVED, S.OPEN, S.SUSPENDED):
            study.completed_on = None
            study.actual_recruitment_end_on = None
        if proposal.to_status in (S.DRAFT, S.AWAITING_APPROVAL, S.APPROVED):
            study.first_patient_in_on = None
        study.full_clean()
        save_with_history(
            study,
            user=user,
            reason=f"Statusendring fra {proposal.get_registry_display()} bekreftet",
        )
    return proposal
