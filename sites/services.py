"""Writes for regions, organisations, their capacity figures and municipalities, including the
reference-data loader."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .history import save_with_history
from .models import Municipality, Organisation, OrganisationCapacity, Region, UserPreference
from .validators import validate_orgnr

M = TypeVar("M", Organisation, OrganisationCapacity)

REFERENCE_DIR = Path(__file__).resolve().parent / "fixtures" / "reference"


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, created: bool, changed: bool) -> None:
        if created:
            self.created[label] = self.created.get(label, 0) + 1
        elif changed:
            self.updated[label] = self.updated.get(label, 0) + 1


def read_reference_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _reference_save(obj) -> None:
    obj.full_clean()
    if hasattr(type(obj), "history"):
        save_with_history(obj, user=None, reason=_("Referansedata lastet."))
    else:
        obj.save()


def upsert_reference_row(model, lookup: dict, values: dict, result: LoadResult, label: str):
    """Create or update one row; counts only real changes so a second load reports nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        _reference_save(obj)
        result.count(label, created=True, changed=False)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        _reference_save(obj)
        result.count(label, created=False, changed=True)
    return obj


def _check_orgnr(orgnr: str, where: str) -> None:
    try:
        validate_orgnr(orgnr)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {' '.join(exc.messages)}") from exc


def _save_checked(
    obj: M, *, user: AbstractBaseUser | None, reason: str, expected_version: int | None
) -> M:
    """``full_clean``, then save with history; a change (not a new row) must say why."""
    reason = reason.strip()
    if obj.pk is not None and not reason:
        raise ValidationError(
            _("Oppgi en begrunnelse: endringen blir stående i historikken."), code="reason"
        )
    obj.full_clean()
    return save_with_history(
        obj, user=user, reason=reason or _("Opprettet."), expected_version=expected_version
    )


@transaction.atomic
def organisation_save(
    *,
    organisation: Organisation,
    user: AbstractBaseUser | None,
    reason: str,
    expected_version: int | None = None,
) -> Organisation:
    """Save an organisation edited by a person; a change must say why (kept in the history).

    Organisations decide who sees which studies and where patients are told to go, so a change
    to one is as much a part of the record as a change to a study. With ``expected_version`` (the
    version the form was opened at) a change someone else saved in between is refused.
    """
    return _save_checked(organisation, user=user, reason=reason, expected_version=expected_version)


@transaction.atomic
def organisation_capacity_save(
    *,
    capacity: OrganisationCapacity,
    user: AbstractBaseUser | None,
    reason: str,
    expected_version: int | None = None,
) -> OrganisationCapacity:
    """Save an organisation's figures for a year, checked (``full_clean``: the PhDs per
    profession and patients per HRCS category follow their lists), with who and why in the
    history. With ``expected_version`` a change someone else saved in between is refused."""
    return _save_checked(capacity, user=user, reason=reason, expected_version=expected_version)


@transaction.atomic
def reference_data_load_sites(
    *, directory: Path = REFERENCE_DIR, result: LoadResult | None = None
) -> LoadResult:
    """Load regions, organisations and municipalities from the project's fixture files (idempotent)."""
    result = result or LoadResult()
    regions: dict[str, Region] = {}
    for row in read_reference_csv(directory / "regions.csv"):
        _check_orgnr(row["orgnr"], _("regions.csv, %(name)s") % {"name": row["name"]})
        regions[row["code"]] = upsert_reference_row(
            Region,
            {"code": row["code"]},
            {"name": row["name"], "orgnr": row["orgnr"], "ssb_code": row.get("ssb_code", "")},
            result,
            "regioner",
        )

    org_rows = read_reference_csv(directory / "organisations.csv")
    municipality_rows = read_reference_csv(directory / "municipalities.csv")
    for row in org_rows:
        _check_orgnr(row["orgnr"], _("organisations.csv, %(name)s") % {"name": row["name"]})

    # Municipalities first without catchment (organisations point at municipalities and back).
    municipalities: dict[str, Municipality] = {}
    for row in municipality_rows:
        municipalities[row["code"]] = upsert_reference_row(
            Municipality,
            {"code": row["code"]},
            {
                "name": row["name"],
                "county_code": row["county_code"],
                "county_name": row["county_name"],
                "latitude": _decimal(row["latitude"]),
                "longitude": _decimal(row["longitude"]),
            },
            result,
            "kommuner",
        )

    organisations: dict[str, Organisation] = {}
    for row in org_rows:  # Sorted parents first (RHF, HF, hospitals, …).
        parent = organisations.get(row["parent_orgnr"]) if row["parent_orgnr"] else None
        if row["parent_orgnr"] and parent is None:
            raise ValidationError(
                _(
                    "organisations.csv, %(name)s: overordnet %(parent)s er ikke definert før denne raden."
                )
                % {"name": row["name"], "parent": row["parent_orgnr"]}
            )
        organisations[row["orgnr"]] = upsert_reference_row(
            Organisation,
            {"orgnr": row["orgnr"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "parent": parent,
                "region": regions.get(row["region_code"]) if row["region_code"] else None,
                "municipality": municipalities.get(row["municipality_code"])
                if row["municipality_code"]
                else None,
                "latitude": _decimal(row["latitude"]),
                "longitude": _decimal(row["longitude"]),
                "nortrials_centre": row["nortrials_centre"] == "1",
            },
            result,
            "organisasjoner",
        )

    # Second pass: catchment areas. A municipality created above is not counted again as updated.
    created_now = result.created.get("kommuner", 0)
    for row in municipality_rows:
        catchment = organisations.get(row["catchment_hf_orgnr"])
        upsert_reference_row(
            Municipality,
            {"code": row["code"]},
            {
                "catchment_organisation": catchment,
                "region": catchment.region if catchment else None,
            },
            result,
            "kommuner",
        )
    if created_now:
        result.updated["kommuner"] = max(0, result.updated.get("kommuner", 0) - created_now)
        if not result.updated["kommuner"]:
            del result.updated["kommuner"]
    return result


DEMO_PASSWORD = "demo-portefolje-2025"  # noqa: S105 - printed by `make demo`; refused unless DEBUG.


@transaction.atomic
def demo_users_ensure() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts, each in its role's group (``sites.roles``); returns
    (username, password, role label) rows."""
    from django.contrib.auth import get_user_model

    from .models import UserScope
    from .roles import user_scope_assign

    user_model = get_user_model()
    rows: list[tuple[str, str, str]] = []
    accounts = [
        ("admin", UserScope.Role.NATIONAL_ADMIN, None),
        ("nortrials", UserScope.Role.NORTRIALS, None),
    ] + [
        (
            f"koordinator-{region.code.removeprefix('helse-')}",
            UserScope.Role.REGIONAL_COORDINATOR,
            region,
        )
        for region in Region.objects.order_by("code")
    ]
    for username, role, region in accounts:
        user, _created = user_model.objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = role == UserScope.Role.NATIONAL_ADMIN
        user.email = f"{username}@example.no"
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_scope_assign(user=user, role=role, region=region)
        label = UserScope.Role(role).label
        rows.append((username, DEMO_PASSWORD, f"{label} {region.name if region else ''}".strip()))
    return rows


def user_language_set(*, user: AbstractBaseUser, language: str) -> str:
    """Store the admin language a user chose ("" lets the browser decide again); returns it."""
    choices = {code for code, _name in settings.LANGUAGES} | {""}
    if language not in choices:
        raise ValidationError(_("Ukjent språk: %(language)s.") % {"language": language})
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    return language
