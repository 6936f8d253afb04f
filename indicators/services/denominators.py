"""Recording the documented denominators reported by hand (new specialist-care patients,
population): one figure per kind, year and scope, always with its source."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from sites.models import Municipality, Organisation, Region

from ..denominators import scope_key_for
from ..models import ReportedDenominator

HEALTH_TRUST_KINDS = (Organisation.Kind.HF, Organisation.Kind.PRIVATE_NONPROFIT)


def reported_denominator_check(
    *,
    kind: str,
    value: int | None,
    source: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
) -> None:
    """Clear Norwegian field errors for a figure that cannot be recorded (the admin form uses it)."""
    if not (source or "").strip():
        raise ValidationError({"source": "Oppgi kilden til tallet."})
    if value is None or value <= 0:
        raise ValidationError({"value": "Tallet må være større enn null."})
    if sum(x is not None for x in (region, organisation, municipality)) > 1:
        raise ValidationError(
            "Velg enten region, helseforetak eller kommune – eller ingen for hele landet."
        )
    if organisation is not None and organisation.kind not in HEALTH_TRUST_KINDS:
        raise ValidationError(
            {
                "organisation": "Tallet rapporteres for et helseforetak eller et privat ideelt sykehus."
            }
        )
    if municipality is not None and kind != ReportedDenominator.Kind.POPULATION:
        raise ValidationError({"municipality": "Kun folketall rapporteres per kommune."})


@transaction.atomic
def reported_denominator_record(
    *,
    kind: str,
    year: int,
    value: int,
    source: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    municipality: Municipality | None = None,
    note: str = "",
    user=None,
) -> ReportedDenominator:
    """Record (or correct) the figure of ``kind`` for ``year`` and one scope; idempotent."""
    reported_denominator_check(
        kind=kind,
        value=value,
        source=source,
        region=region,
        organisation=organisation,
        municipality=municipality,
    )
    key = scope_key_for(
        region_id=region.pk if region else None,
        organisation_id=organisation.pk if organisation else None,
        municipality_code=municipality.code if municipality else None,
    )
    if organisation is not None:
        region = organisation.region  # a health trust's figure belongs to its region's view
    figure, _created = ReportedDenominator.objects.update_or_create(
        kind=kind,
        year=year,
        scope_key=key,
        defaults={
            "value": value,
            "source": source.strip(),
            "note": note,
            "region": region,
            "organisation": organisation,
            "municipality": municipality,
            "entered_by": user,
        },
    )
    return figure
