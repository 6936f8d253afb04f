"""The import service: registry records in, studies, sites and links out, with one report.

Every format's reader gives ``StudyRecord``s; this module decides which study each one is
(``identity``), creates or updates it with a history entry naming the registry and its date,
matches its Norwegian sites (``sitematch``), and leaves what a person must decide (a status that
would reopen or move a study back, a site we are unsure of, an identity conflict) for review.
Running the same files again changes nothing.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.history import save_with_history
from sites.models import Organisation

from ...helsenorge import hrcs_code_for_helsenorge_category
from ...models import (
    HealthCategory,
    Registry,
    RegistryRecord,
    Sponsor,
    StatusProposal,
    Study,
)
from ...models.interventions import intervention_types_normalise
from ...models.studies import DATE_ORDER
from ...validators import validate_snomed_ct_concept
from ..diagnoses import study_diagnoses_set
from .formats import read_paths
from .identity import TitleIndex, identity_find
from .records import RecordError, StudyRecord
from .report import ImportReport
from .sitematch import OrganisationMatcher, SiteReading
from .sites import sitematch_record
from .unassigned import assignment_request, unassigned_organisation

S = Study.Status
REASONS = {
    Registry.CTGOV: "Import fra ClinicalTrials.gov",
    Registry.CTIS: "Import fra EU CTIS",
    Registry.HELSENORGE: "Import fra helsenorge.no",
}
_RANK: dict[str, int] = {
    S.DRAFT: 0, S.AWAITING_APPROVAL: 1, S.APPROVED: 2, S.OPEN: 3, S.SUSPENDED: 3,
    S.CLOSED: 4, S.COMPLETED: 5, S.TERMINATED: 5, S.WITHDRAWN: 5,
}  # fmt: skip
_FINAL = {S.COMPLETED, S.TERMINATED, S.WITHDRAWN}
NOT_NORWEGIAN = "ingen norsk ansvarlig organisasjon eller norsk studiested"


@dataclass
class ImportContext:
    report: ImportReport = field(default_factory=ImportReport)
    matcher: OrganisationMatcher = field(default_factory=OrganisationMatcher)
    titles: TitleIndex = field(default_factory=TitleIndex)
    default_organisation: Organisation | None = None


def fingerprint(record: StudyRecord) -> str:
    data = json.dumps(asdict(record), sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


def study_values(record: StudyRecord) -> dict[str, Any]:
    """The study fields a record gives, by their meaning; None is "not known here"."""
    end, actual_end = record.recruitment_end_on, record.recruitment_end_actual
    values: dict[str, Any] = {
        **record.identifiers,
        "sponsor_protocol_code": record.sponsor_protocol_code[:60],
        "scientific_title": record.title[:500],
        "lay_title_en": record.lay_title_en[:300],
        "lay_title_nb": record.lay_title_nb[:300],
        "lay_summary_en": record.lay_summary_en,
        "lay_summary_nb": record.lay_summary_nb,
        "category": record.category,
        "phase": record.phase,
        "intervention_types": intervention_types_normalise(record.intervention_types),
        "conditions": record.conditions,
        "min_age": record.min_age,
        "max_age": record.max_age,
        "sex": record.sex,
        "healthy_volunteers": record.healthy_volunteers or None,
        "eligibility_criteria": record.eligibility_criteria,
        "registry_start_on": record.start_on,
        # The global start is the first participant in Norway only when all sites are Norwegian;
        # the opening date is the portfolio's own and never comes from a registry.
        "first_patient_in_on": record.start_on
        if record.start_actual and record.norway_only
        else None,
        "planned_recruitment_end_on": end if end and not actual_end else None,
        "actual_recruitment_end_on": end if end and actual_end else None,
        "completed_on": record.completed_on,
        "target_enrolment": None if record.enrolment_actual else record.enrolment,
        "actual_enrolment": record.enrolment if record.enrolment_actual else None,
        "registry_updated_on": record.updated_on,
    }
    if values["min_age"] is not None and values["max_age"] is not None:
        if values["min_age"] > values["max_age"]:
            values["max_age"] = None
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def _sponsor(record: StudyRecord) -> Sponsor | None:
    name = record.sponsor_name.strip()[:200]
    if not name:
        return None
    kind = Sponsor.Kind.INDUSTRY if record.sponsor_industry else Sponsor.Kind.PUBLIC
    sponsor = Sponsor.objects.filter(name=name).first()
    if sponsor is None:
        sponsor = Sponsor(name=name, kind=kind)
        sponsor.full_clean()
        save_with_history(sponsor, user=None, reason=REASONS[record.registry])
    return sponsor


def _reason(record: StudyRecord) -> str:
    base = REASONS[record.registry]
    return f"{base} ({record.updated_on:%d.%m.%Y})" if record.updated_on else base


def _keep_date_order(study: Study, changed: set[str]) -> None:
    """A registry date that would break the study's date order is left out (not forced)."""
    for _name, early, late, _message in DATE_ORDER:
        first, then = getattr(study, early), getattr(study, late)
        if first and then and then < first:
            if late in changed:
                setattr(study, late, None)
            elif early in changed:
                setattr(study, early, None)


def _is_backwards(current: str, new: str) -> bool:
    return (current in _FINAL and new != current) or _RANK[new] < _RANK[current]


def _status(study: Study, record: StudyRecord, ctx: ImportContext) -> bool:
    """Apply the record's status if it moves the study forward; propose it otherwise."""
    new = record.status
    if new is None or new == study.status:
        return False
    if study.pk is None or not _is_backwards(study.status, new):
        study.status = new
        return True
    _proposal, created = StatusProposal.objects.get_or_create(
        study=study,
        to_status=new,
        decision="open",
        defaults={
            "from_status": study.status,
            "registry": record.registry,
            "registry_updated_on": record.updated_on,
        },
    )
    if created:
        ctx.report.status_proposals.append(
            (
                record.registry_id,
                f"{S(study.status).label} → {S(new).label} (venter på koordinator)",
            )
        )
    return False


def _apply(study: Study, values: dict[str, Any], *, fill_only: bool) -> set[str]:
    changed = set()
    for key, value in values.items():
        current = getattr(study, key)
        if current == value or (fill_only and current not in (None, "", [])):
            continue
        setattr(study, key, value)
        changed.add(key)
    return changed


def _responsible(readings: list[SiteReading], lead: Organisation | None, ctx: ImportContext):
    if lead is not None:
        return lead
    for reading in readings:
        if reading.organisation is not None:
            return reading.organisation
    for reading in readings:
        if reading.candidates:
            return reading.candidates[0]
    return ctx.default_organisation


def _lead(record: StudyRecord, matcher: OrganisationMatcher) -> Organisation | None:
    for name in record.lead_names:
        org = matcher.match(name) if name else None
        if org is not None:
            return org
    return None


def _unchanged(link: RegistryRecord | None, record: StudyRecord, print_: str) -> bool:
    """Nothing to do: the same content again, or an older (or same-day other-format) record."""
    if link is None:
        return False
    if link.fingerprint == print_:
        return True
    if link.updated_on and record.updated_on:
        if record.updated_on < link.updated_on:
            return True
        return record.updated_on == link.updated_on and record.file_format != link.file_format
    return False


def record_import(*, record: StudyRecord, ctx: ImportContext) -> Study | None:
    """Create, update or link one study from a record (see the module docstring).

    What needs no writing (the same record again, a study outside Norway) is decided before the
    transaction; the rest is one atomic write."""
    report = ctx.report
    print_ = fingerprint(record)
    ctx.titles.load()
    link = None
    if (record.registry, record.registry_id) in ctx.titles.links:
        link = (
            RegistryRecord.objects.select_related("study")
            .filter(registry=record.registry, registry_id=record.registry_id)
            .first()
        )
    if _unchanged(link, record, print_):
        report.unchanged += 1
        return link.study if link else None
    if record.in_norway is False and link is None:
        report.skipped.append((record.registry_id, "studien har ikke studiesteder i Norge"))
        return None
    lead = _lead(record, ctx.matcher)
    readings = [(site, ctx.matcher.read_site(site)) for site in record.sites]
    if link is None and _not_norwegian(record, lead, readings, ctx):
        report.skipped.append((record.registry_id, NOT_NORWEGIAN))
        if record.sites_in_norway:
            report.unmatched_locations += [(record.registry_id, s.text) for s, _r in readings]
        return None
    return _write(record, ctx, link, lead, readings, print_)


def _not_norwegian(record: StudyRecord, lead, readings, ctx: ImportContext) -> bool:
    """Nothing ties the record to Norway: no lead, no site, no default, no known identifier."""
    known_site = any(r.organisation or r.candidates for _site, r in readings)
    return (
        not record.has_norwegian_site
        and lead is None
        and not known_site
        and ctx.default_organisation is None
        and not ctx.titles.claimed(record.identifiers)
    )


@transaction.atomic
def _write(record, ctx: ImportContext, link, lead, readings, print_: str) -> Study | None:
    study = link.study if link else None
    if study is None:
        identity = identity_find(record=record, lead=lead, titles=ctx.titles)
        if identity.hold:
            ctx.report.skipped.append((record.registry_id, identity.hold))
            ctx.report.identity_reviews.append((record.registry_id, identity.hold))
            return None
        study = identity.study
    if study is None:
        return _create(record, lead, readings, ctx, print_)
    return _update(study, record, link, readings, ctx, print_)


def _create(record, lead, readings, ctx: ImportContext, print_: str) -> Study | None:
    responsible = _responsible([r for _s, r in readings], lead, ctx)
    waiting = responsible is None and record.has_norwegian_site
    if waiting:
        responsible = unassigned_organisation()
    if responsible is None:
        ctx.report.skipped.append((record.registry_id, NOT_NORWEGIAN))
        for site, _reading in readings:
            ctx.report.unmatched_locations.append((record.registry_id, site.text))
        return None
    values = study_values(record)
    study = Study(responsible_organisation=responsible, sponsor=_sponsor(record), **values)
    study.sponsor_type = (
        Study.SponsorType.INDUSTRY if record.sponsor_industry else Study.SponsorType.PUBLIC
    )
    _status(study, record, ctx)
    _keep_date_order(study, set(values))
    study.full_clean()
    save_with_history(study, user=None, reason=_reason(record))
    _classify(study, record)
    ctx.titles.add(study)
    sitematch_record(study=study, record=record, readings=readings, ctx=ctx)
    if waiting:
        assignment_request(study=study, record=record, ctx=ctx)
    _link(study, record, None, print_, primary=True, ctx=ctx)
    ctx.report.created += 1
    return study


def _classify(study: Study, record: StudyRecord) -> None:
    """A new study's HRCS categories from helsenorge's health categories, and its SNOMED CT
    diagnoses; a code that is not a SNOMED CT concept is left out, not guessed."""
    codes = {hrcs_code_for_helsenorge_category(name) for name in record.health_categories}
    if codes - {None}:
        study.hrcs_categories.set(HealthCategory.objects.filter(code__in=codes - {None}))
    valid = [code for code in record.diagnoses if _is_snomed_concept(code)]
    if valid:
        study_diagnoses_set(study=study, codes=valid)


def _is_snomed_concept(code: str) -> bool:
    try:
        validate_snomed_ct_concept(code)
    except ValidationError:
        return False
    return True


def _update(study, record, link, readings, ctx: ImportContext, print_: str) -> Study:
    study = Study.objects.select_for_update().get(pk=study.pk)
    primary = link.is_primary if link else False
    values = study_values(record)
    changed = _apply(study, values, fill_only=not primary)
    if primary and _status(study, record, ctx):
        changed.add("status")
    if changed:
        _keep_date_order(study, changed)
        study.full_clean()
        save_with_history(study, user=None, reason=_reason(record))
    site_changes = sitematch_record(study=study, record=record, readings=readings, ctx=ctx)
    _link(study, record, link, print_, primary=primary, ctx=ctx)
    ctx.titles.add_ids(study.pk, {k: getattr(study, k) for k in record.identifiers})
    if changed or site_changes or link is None:
        ctx.report.updated += 1
    else:
        ctx.report.unchanged += 1
    return study


def _link(
    study: Study,
    record: StudyRecord,
    link: RegistryRecord | None,
    print_: str,
    *,
    primary: bool,
    ctx: ImportContext,
) -> None:
    ctx.titles.links.add((record.registry, record.registry_id))
    link = link or RegistryRecord(registry=record.registry, registry_id=record.registry_id)
    link.study = study
    link.file_format = record.file_format
    link.is_primary = primary
    link.updated_on = record.updated_on
    link.fingerprint = print_
    link.full_clean()
    link.save()


def import_records(
    *,
    items: Iterable[StudyRecord | RecordError],
    ctx: ImportContext | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import records one by one; a bad record is reported with its id, the rest go in."""
    ctx = ctx or ImportContext()
    for index, item in enumerate(items, start=1):
        if isinstance(item, RecordError):
            ctx.report.errors.append((item.label, item.message))
        elif not item.registry_id:
            ctx.report.errors.append((f"post {index}", "Posten mangler id i registeret."))
        else:
            try:
                record_import(record=item, ctx=ctx)
            except ValidationError as exc:
                ctx.report.errors.append((item.registry_id, " ".join(exc.messages)))
        if progress:
            progress(index)
    return ctx.report


def import_paths(
    *,
    paths: Iterable[Path],
    default_organisation: Organisation | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import every registry file under the given files and folders, whatever its format."""
    ctx = ImportContext(default_organisation=default_organisation)
    files = list(read_paths(list(paths)))
    items: list[StudyRecord | RecordError] = []
    for parsed in files:
        ctx.report.files.append((parsed.name, parsed.label, len(parsed.items)))
        if parsed.problem and parsed.unreadable:
            ctx.report.errors.append((parsed.name, parsed.problem))
        elif parsed.problem:
            ctx.report.files_skipped.append((parsed.name, parsed.problem))
        items.extend(parsed.items)
    total = len(items)
    return import_records(
        items=items, ctx=ctx, progress=(lambda done: progress(done, total)) if progress else None
    )
