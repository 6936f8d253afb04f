"""What a study tests: a fixed list of intervention types, ticked in the study form.

The values are ClinicalTrials.gov's intervention types in lower case ("drug", "device",
"dietary_supplement", …), so registry imports, the form and the readers of
``Study.intervention_types`` (the KBS project type, the DMP rule) use the same words. The field
keeps its stored shape: a JSON list of these values.
"""

import re
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class InterventionType(models.TextChoices):
    DRUG = "drug", _("Legemiddel")
    BIOLOGICAL = "biological", _("Biologisk legemiddel (f.eks. vaksine, celleterapi)")
    DEVICE = "device", _("Medisinsk utstyr")
    COMBINATION_PRODUCT = "combination_product", _("Kombinasjonsprodukt (legemiddel og utstyr)")
    GENETIC = "genetic", _("Genetisk (f.eks. genterapi)")
    PROCEDURE = "procedure", _("Prosedyre eller kirurgi")
    RADIATION = "radiation", _("Strålebehandling")
    BEHAVIORAL = "behavioral", _("Atferd og livsstil")
    DIETARY_SUPPLEMENT = "dietary_supplement", _("Kosttilskudd")
    DIAGNOSTIC_TEST = "diagnostic_test", _("Diagnostisk test")
    OTHER = "other", _("Annet")


# Other spellings of a listed type, as older records and registries write them.
_ALIASES = {
    "legemiddel": InterventionType.DRUG.value,
    "behavioural": InterventionType.BEHAVIORAL.value,
    "diagnostic": InterventionType.DIAGNOSTIC_TEST.value,
}
_SEPARATORS = re.compile(r"[\s\-]+")


def intervention_type_normalise(value: object) -> str:
    """The listed value for a type however it is spelt ("Dietary Supplement" →
    "dietary_supplement"); an unknown type comes back in lower case, not dropped."""
    key = _SEPARATORS.sub("_", str(value).strip().lower())
    return _ALIASES.get(key, key)


def intervention_types_normalise(values: Iterable[object] | None) -> list[str]:
    """Listed values, sorted and without repeats; empty entries are left out."""
    return sorted({intervention_type_normalise(v) for v in values or () if str(v).strip()})


def intervention_types_display(values: Iterable[object] | None) -> str:
    """The types as words in the list's order ("Legemiddel, Kosttilskudd"), for a study shown
    read-only and on its history page; a type not in the list by its stored name."""
    stored = intervention_types_normalise(values)
    words = [str(label) for value, label in InterventionType.choices if value in stored]
    words += [v for v in stored if v not in InterventionType.values]
    return ", ".join(words) or "–"
