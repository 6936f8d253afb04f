"""A trial in Norway of which we can tell no Norwegian organisation: an EU CTIS trial run by a
foreign sponsor (its record lists Norway but no site), or a ClinicalTrials.gov trial whose only
Norwegian sites are strings no organisation answers to ("Many Locations"). It becomes a study all
the same, led for now by a placeholder organisation, with a site to assign waiting under
*stedsgjenkjenninger*. Choosing the organisation there makes it the study's site and its
responsible organisation."""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser

from sites.history import save_with_history
from sites.models import Organisation
from sites.services import organisation_save

from ...models import SiteMatch, Study
from .records import StudyRecord

if TYPE_CHECKING:
    from .service import ImportContext

UNASSIGNED_NAME = "Ikke tildelt (norsk studiested ukjent)"
UNASSIGNED_SITE = "Norge: studiested ikke oppgitt i registeret ({sponsor})"
UNASSIGNED_PREFIX = "Norge: studiested ikke oppgitt"
WAITING = "i Norge uten norsk organisasjon i registeret: venter på tildeling"


def unassigned_organisation() -> Organisation:
    """The placeholder that leads such studies until a coordinator assigns them (inactive, so it
    is never offered for a new study; without a region, so the national roles see the queue)."""
    found = Organisation.objects.filter(name=UNASSIGNED_NAME, kind=Organisation.Kind.SUPPORT)
    organisation = found.first()
    if organisation is not None:
        return organisation
    organisation = Organisation(
        name=UNASSIGNED_NAME, kind=Organisation.Kind.SUPPORT, is_active=False
    )
    return organisation_save(
        organisation=organisation,
        user=None,
        reason="Plassholder for studier i Norge uten kjent norsk studiested (registerimport)",
    )


def is_unassigned(study: Study) -> bool:
    return study.responsible_organisation.name == UNASSIGNED_NAME and not (
        study.responsible_organisation.is_active
    )


def assignment_request(*, study: Study, record: StudyRecord, ctx: "ImportContext") -> None:
    """Put the study in the review queue: one site to assign, the health trusts as candidates."""
    text = UNASSIGNED_SITE.format(sponsor=record.sponsor_name or "ukjent sponsor")[:300]
    match, created = SiteMatch.objects.get_or_create(
        study=study,
        registry_text=text,
        defaults={
            "confidence": 0,
            "method": SiteMatch.Method.NONE,
            "outcome": SiteMatch.Outcome.REVIEW,
        },
    )
    if created:
        match.candidates.set(
            Organisation.objects.filter(kind=Organisation.Kind.HF, is_active=True).exclude(
                region=None
            )
        )
    ctx.report.awaiting_assignment.append((record.registry_id, record.sponsor_name))
    ctx.report.sites_review += 1
    ctx.report.review_locations.append((record.registry_id, text))


def responsible_assign(
    *, study: Study, organisation: Organisation, user: AbstractBaseUser | None
) -> bool:
    """A study still led by the placeholder gets the organisation a coordinator chose."""
    if not is_unassigned(study):
        return False
    study.responsible_organisation = organisation
    study.full_clean()
    save_with_history(
        study, user=user, reason="Ansvarlig organisasjon tildelt fra registerimport (norsk sted)"
    )
    return True
