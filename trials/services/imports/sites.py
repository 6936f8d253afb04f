"""A study's Norwegian sites from a registry record: each site string read, remembered as a
``SiteMatch``, and a study site made for the ones we are sure of (or a coordinator confirmed)."""

from typing import TYPE_CHECKING

from sites.history import save_with_history
from sites.models import Organisation

from ...models import SiteMatch, Study, StudySite
from .records import SiteRef, StudyRecord
from .sitematch import SiteReading

if TYPE_CHECKING:
    from .service import ImportContext

_DECIDED = {SiteMatch.Outcome.CONFIRMED, SiteMatch.Outcome.REJECTED}
_ENDED = {Study.Status.CLOSED, Study.Status.COMPLETED, Study.Status.TERMINATED}


def site_status(study: Study, recruiting: bool | None) -> str:
    if recruiting is True:
        return StudySite.Status.OPEN
    if study.status in _ENDED or recruiting is False:
        return StudySite.Status.CLOSED if study.status in _ENDED else StudySite.Status.PLANNED
    return StudySite.Status.OPEN if study.status == Study.Status.OPEN else StudySite.Status.PLANNED


def studysite_ensure(*, study: Study, organisation: Organisation, status: str, reason: str) -> bool:
    """The study has a site at the organisation, in that status; True if something changed."""
    site = StudySite.objects.filter(study=study, organisation=organisation).first()
    if site is not None and site.status == status:
        return False
    site = site or StudySite(study=study, organisation=organisation)
    site.status = status
    site.full_clean()
    save_with_history(site, user=None, reason=reason)
    return True


def _remember(study: Study, site: SiteRef, reading: SiteReading) -> SiteMatch:
    match = SiteMatch.objects.filter(study=study, registry_text=site.text).first()
    if match is not None and match.outcome in _DECIDED:
        return match
    values = {
        "organisation": reading.organisation,
        "confidence": reading.confidence,
        "method": reading.method,
        "outcome": reading.outcome,
    }
    if match is None:
        match = SiteMatch.objects.create(study=study, registry_text=site.text, **values)
    elif any(getattr(match, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(match, key, value)
        match.save()
    if {c.pk for c in match.candidates.all()} != {c.pk for c in reading.candidates}:
        match.candidates.set(reading.candidates)
    return match


def _count(ctx: "ImportContext", record: StudyRecord, site: SiteRef, outcome: str) -> None:
    report = ctx.report
    if outcome in (SiteMatch.Outcome.MATCHED, SiteMatch.Outcome.CONFIRMED):
        report.sites_matched += 1
    elif outcome == SiteMatch.Outcome.REVIEW:
        report.sites_review += 1
        report.review_locations.append((record.registry_id, site.text))
    elif outcome == SiteMatch.Outcome.UNMATCHED:
        report.sites_unmatched += 1
        report.unmatched_locations.append((record.registry_id, site.text))


def sitematch_record(
    *,
    study: Study,
    record: StudyRecord,
    readings: list[tuple[SiteRef, SiteReading]],
    ctx: "ImportContext",
) -> int:
    """Remember how each site was read and keep a study site for each one we are sure of."""
    from .service import REASONS

    changes = 0
    seen: set[tuple[int, str]] = set()
    for site, reading in readings:
        if not site.text or (study.pk, site.text) in seen:
            continue
        seen.add((study.pk, site.text))
        match = _remember(study, site, reading)
        _count(ctx, record, site, match.outcome)
        sure = match.outcome in (SiteMatch.Outcome.MATCHED, SiteMatch.Outcome.CONFIRMED)
        if sure and match.organisation is not None:
            status = site_status(study, site.recruiting)
            changes += studysite_ensure(
                study=study,
                organisation=match.organisation,
                status=status,
                reason=REASONS[record.registry],
            )
    return changes
