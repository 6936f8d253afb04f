"""The finder's search form, and the select lists it offers, worked out once per process.

The lists (regions, HRCS categories, the municipalities a search can be near, and the fixed
choices) are the same on every page in a language: the form asks the shared cache for the
reference rows on each request, and works the lists out again only when those rows have changed
(a region renamed in any process is on the next page) or for a language not yet shown.
"""

from typing import Any, NamedTuple, cast

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sites.operations.reference_cache import rows_of
from sites.selectors import MUNICIPALITY_ROWS, REGION_ROWS

from ..models import Study
from ..selectors.public import HEALTH_CATEGORY_ROWS
from .widgets import (
    CodeChoiceField,
    FixedChoiceField,
    FixedTypedChoiceField,
    Offer,
    QuickCheckbox,
    QuickNumberInput,
    QuickSelect,
    offer_with_empty,
)

RADIUS_CHOICES = [(10, "10 km"), (25, "25 km"), (50, "50 km"), (100, "100 km"), (250, "250 km")]
SEX_CHOICES = [("", _("Kvinne eller mann")), ("female", _("Kvinne")), ("male", _("Mann"))]
PHASE_CHOICES = [("", _("Alle faser"))] + [
    c for c in Study.Phase.choices if c[0] != Study.Phase.NOT_APPLICABLE
]
CATEGORY_CHOICES = [("", _("Alle typer"))] + list(Study.Category.choices)


def municipality_label(name: str, county_name: str) -> str:
    """A municipality by its name, so typing "Bergen" in the list finds it (no number first)."""
    return f"{name} ({county_name})"


class FinderForm(forms.Form):
    q = forms.CharField(
        label=_("Søk etter sykdom, behandling eller stikkord"), required=False, max_length=200
    )
    open = forms.BooleanField(
        label=_("Bare studier som tar inn deltakere nå"), required=False, widget=QuickCheckbox
    )
    # The places and categories are reference rows from the shared cache (see __init__).
    region = CodeChoiceField(label=_("Region"))
    hrcs = CodeChoiceField(label=_("Sykdomsområde"))
    age = forms.IntegerField(
        label=_("Alder (år)"), required=False, min_value=0, max_value=130, widget=QuickNumberInput
    )
    municipality = CodeChoiceField(label=_("Nær kommune"))
    radius_km = FixedTypedChoiceField(
        label=_("Avstand"), choices=RADIUS_CHOICES, coerce=int, required=False, initial=50, empty_value=50,  # type: ignore[arg-type]  # any value may stand for empty; the stubs say str
        widget=QuickSelect,
    )  # fmt: skip
    sex = FixedChoiceField(
        label=_("Kan delta som"),
        choices=SEX_CHOICES,
        widget=QuickSelect,
        required=False,
    )
    phase = FixedChoiceField(
        label=_("Fase"),
        choices=PHASE_CHOICES,
        widget=QuickSelect,
        required=False,
    )
    category = FixedChoiceField(
        label=_("Type studie"),
        choices=CATEGORY_CHOICES,
        widget=QuickSelect,
        required=False,
    )
    healthy_volunteers = forms.BooleanField(
        label=_("Studier som tar inn friske frivillige"), required=False, widget=QuickCheckbox
    )
    decentralised = forms.BooleanField(
        label=_("Studier der du kan delta hjemmefra (helt eller delvis)"),
        required=False,
        widget=QuickCheckbox,
    )

    def __init__(self, *args: Any, lang: str = "nb", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offers = finder_offers(lang)
        # The municipalities a search can be near (those with a position): code → position.
        self.located = offers.located
        for name, offer in offers.lists.items():
            field = self.fields[name]
            if isinstance(field, CodeChoiceField):
                field.offer(offer)
            else:
                cast(QuickSelect, field.widget).offer(offer)

    LISTED = ("region", "hrcs", "age", "sex", "municipality", "radius_km", "category", "phase")
    """The fields shown under a label of their own, in the page's order."""

    def listed_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.LISTED]

    def filter_data(self) -> dict[str, str]:
        data = self.cleaned_data
        out: dict[str, str] = {}
        for name in ("q", "sex", "phase", "category"):
            if data.get(name):
                out[name] = data[name]
        for name in ("open", "healthy_volunteers", "decentralised"):
            if data.get(name):
                out[name] = "true"
        for name in ("region", "hrcs"):
            if data.get(name):
                out[name] = data[name]
        if data.get("age") is not None:
            out["age"] = str(data["age"])
        if data.get("municipality"):
            latitude, longitude = self.located[data["municipality"]]
            out["near"] = f"{latitude},{longitude}"
            out["radius_km"] = str(data.get("radius_km") or 50)
        return out


class FinderOffers(NamedTuple):
    """The form's select lists in one language, and the reference rows they come from."""

    rows: list[list[tuple[Any, ...]]]
    lists: dict[str, Offer]
    located: dict[str, tuple[Any, Any]]


# (page language, active language) → the lists last worked out for it.
_KEPT: dict[tuple[str, str | None], FinderOffers] = {}


def finder_offers(lang: str) -> FinderOffers:
    """The select lists for a page in ``lang``, from the reference rows now in the shared cache."""
    english = lang == "en"
    rows = rows_of(REGION_ROWS, HEALTH_CATEGORY_ROWS["en" if english else "nb"], MUNICIPALITY_ROWS)
    key = (lang, translation.get_language())
    kept = _KEPT.get(key)
    if kept is None or kept.rows != rows:
        if len(_KEPT) > 16:
            _KEPT.clear()
        kept = _KEPT[key] = _work_out(rows, english=english)
    return kept


def _work_out(rows: list[list[tuple[Any, ...]]], *, english: bool) -> FinderOffers:
    regions, categories, municipalities = rows
    located = {
        code: (latitude, longitude)
        for _pk, code, _name, _county, latitude, longitude in municipalities
        if latitude is not None
    }
    names = {
        code: municipality_label(name, county) for _pk, code, name, county, *_ in municipalities
    }
    lists = {
        "region": offer_with_empty(_("Alle regioner"), [(c, n) for _pk, c, n in regions]),
        "hrcs": offer_with_empty(
            _("Alle sykdomsområder"),
            [(code, en if english else nb) for _pk, code, nb, en in categories],
        ),
        "municipality": offer_with_empty(
            _("Hvor som helst"), [(code, names[code]) for code in located]
        ),
        "radius_km": Offer.of(RADIUS_CHOICES),
        "sex": Offer.of(SEX_CHOICES),
        "phase": Offer.of(PHASE_CHOICES),
        "category": Offer.of(CATEGORY_CHOICES),
    }
    return FinderOffers(rows=rows, lists=lists, located=located)
