"""Reads for the study's history page: what changed at its sites, with who, when and why."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Field
from django.utils.translation import gettext_lazy as _

from sites.form_fields import counts_display
from sites.history_display import history_formatter_register, history_value
from sites.models import Organisation, OrganisationCapacity

from ..models import Study, StudySite
from ..models.hrcs import hrcs_rows
from ..models.interventions import intervention_types_display

_KIND = {"+": _("Lagt til"), "~": _("Endret"), "-": _("Fjernet")}
_IGNORED = {"created_at", "updated_at"}


@dataclass
class SiteChange:
    when: dt.datetime
    organisation: str
    kind: str
    user: str
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)


def register_history_formatters() -> None:
    """History pages show the study's intervention types and the patients per HRCS health
    category by their names, not the stored JSON."""
    history_formatter_register(Study, "intervention_types", intervention_types_display)
    history_formatter_register(
        OrganisationCapacity, "patients_by_hrcs", lambda v: counts_display(v, hrcs_rows())
    )


def _site_field(name: str) -> Field:
    """A concrete field of a site: the history records and compares only those."""
    site_field = StudySite._meta.get_field(name)
    if not isinstance(site_field, Field):
        raise LookupError(name)
    return site_field


def _display(name: str, value: Any) -> str:
    return str(history_value(_site_field(name), value))


def studysite_history_for_study(*, study_id: int | str) -> list[SiteChange]:
    """Every change to the study's sites (also removed ones), newest first, in two queries."""
    records = list(
        StudySite.history.filter(study_id=study_id)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    names = dict(
        Organisation.objects.filter(pk__in={r.organisation_id for r in records}).values_list(
            "pk", "name"
        )
    )
    previous: dict[int, object] = {}
    rows = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, excluded_fields=_IGNORED)
            for change in delta.changes:
                if change.field == "organisation":
                    old, new = names.get(change.old, "–"), names.get(change.new, "–")
                else:
                    old, new = (
                        _display(change.field, change.old),
                        _display(change.field, change.new),
                    )
                label = str(_site_field(change.field).verbose_name)
                changes.append((label, old, new))
        previous[record.id] = record
        if record.history_type == "~" and not changes:
            continue  # saved with the study, nothing of the site changed
        rows.append(
            SiteChange(
                when=record.history_date,
                organisation=names.get(record.organisation_id, "–"),
                kind=str(_KIND.get(record.history_type, record.history_type)),
                user=record.history_user.get_username() if record.history_user else "–",
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    rows.sort(key=lambda row: row.when, reverse=True)
    return rows
