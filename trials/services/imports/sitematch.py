"""Reading a registry's site string as one of our organisations, with how sure we are.

Names are compared in a normalised form (lower case, ASCII, Norwegian words for the English
ones, bokmål for nynorsk). The order of trust: a name a coordinator has corrected before (the
alias table), an organisation's own name, a known English, nynorsk or historical name, a
municipality's health service, a university written where its university hospital is meant. A
generic industry site ("Research Site, Bodø") is never dropped: the organisations in that place
are offered for review.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from sites.models import Municipality, Organisation

from ...models import OrganisationAlias, SiteMatch
from .records import SiteRef

# English, nynorsk or historical names of health trusts (normalised form) → organisation name.
ALIASES = {
    "haukeland": "Helse Bergen HF",
    "helse bergen": "Helse Bergen HF",
    "oslo universitetssykehus": "Oslo universitetssykehus HF",
    "rikshospitalet": "Oslo universitetssykehus HF",
    "ulleval": "Oslo universitetssykehus HF",
    "ullevals": "Oslo universitetssykehus HF",
    "radiumhospitalet": "Oslo universitetssykehus HF",
    "radium sykehus": "Oslo universitetssykehus HF",
    "aker universitetssykehus": "Oslo universitetssykehus HF",
    "akershus universitetssykehus": "Akershus universitetssykehus HF",
    "akershus": "Akershus universitetssykehus HF",
    "st olav": "St. Olavs hospital HF",
    "regionsykehuset i trondheim": "St. Olavs hospital HF",
    "trondheim universitetssykehus": "St. Olavs hospital HF",
    "universitetssykehuset nord norge": "Universitetssykehuset Nord-Norge HF",
    "universitetssykehus nord norge": "Universitetssykehuset Nord-Norge HF",
    "universitetssykehus of nord norge": "Universitetssykehuset Nord-Norge HF",
    "tromso universitetssykehus": "Universitetssykehuset Nord-Norge HF",
    "stavanger universitetssykehus": "Helse Stavanger HF",
    "nordlandsykehuset": "Nordlandssykehuset HF",
    "nordland sykehus": "Nordlandssykehuset HF",
    "innlandet": "Sykehuset Innlandet HF",
    "vestre viken": "Vestre Viken HF",
    "sykehuset buskerud": "Vestre Viken HF",
    "buskerud sykehus": "Vestre Viken HF",
    "asker and baerum": "Vestre Viken HF",
    "sorlandet": "Sørlandet sykehus HF",
    "sykehus of southern norge": "Sørlandet sykehus HF",
    "southern norge sykehus": "Sørlandet sykehus HF",
    "sykehuset telemark": "Sykehuset Telemark HF",
    "telemark sykehus": "Sykehuset Telemark HF",
    "vestfold sykehus": "Sykehuset i Vestfold HF",
    "sykehuset i vestfold": "Sykehuset i Vestfold HF",
    "ostfold sykehus": "Sykehuset Østfold HF",
    "finnmark sykehus": "Finnmarkssykehuset HF",
    "finnmarkssykehuset": "Finnmarkssykehuset HF",
    "helgeland sykehus": "Helgelandssykehuset HF",
    "helgelandssykehuset": "Helgelandssykehuset HF",
    "sykehuset namsos": "Helse Nord-Trøndelag HF",
    "nord trondelag": "Helse Nord-Trøndelag HF",
    "levanger sykehus": "Helse Nord-Trøndelag HF",
    "molde sykehus": "Helse Møre og Romsdal HF",
    "more og romsdal": "Helse Møre og Romsdal HF",
    "helse fonna": "Helse Fonna HF",
    "haugesund sykehus": "Helse Fonna HF",
    "helse forde": "Helse Førde HF",
    "forde sentralsykehus": "Helse Førde HF",
    "lovisenberg": "Lovisenberg Diakonale Sykehus AS",
    "diakonhjemmet": "Diakonhjemmet Sykehus AS",
    "haraldsplass": "Haraldsplass Diakonale Sykehus AS",
    "martina hansens": "Martina Hansens Hospital",
    "sunnaas": "Sunnaas sykehus HF",
    "university of oslo": "Universitetet i Oslo",
    "university of bergen": "Universitetet i Bergen",
    "norwegian university of science and technology": "Norges teknisk-naturvitenskapelige universitet (NTNU)",
    "ntnu": "Norges teknisk-naturvitenskapelige universitet (NTNU)",
    "arctic university of norge": "UiT Norges arktiske universitet",
    "university of tromso": "UiT Norges arktiske universitet",
}
# A university written as a *site* means the university hospital its researchers work in.
UNIVERSITY_HOSPITALS = {
    "Universitetet i Oslo": "Oslo universitetssykehus HF",
    "Universitetet i Bergen": "Helse Bergen HF",
    "Norges teknisk-naturvitenskapelige universitet (NTNU)": "St. Olavs hospital HF",
    "UiT Norges arktiske universitet": "Universitetssykehuset Nord-Norge HF",
}
_REPLACEMENTS = [
    (r"\buniversity hospital of\b", "universitetssykehus"),
    (r"\buniversity hospital\b", "universitetssykehus"),
    (r"\buniv\.? hospital\b", "universitetssykehus"),
    (r"\bhospital trust\b", "sykehus"),
    (r"\bhospital\b", "sykehus"),
    (r"\bsjukehus\b", "sykehus"),
    (r"\bsjukhus\b", "sykehus"),
    (r"\bsyekhus\b", "sykehus"),
    (r"\bsjukehuset\b", "sykehuset"),
    (r"\buniversitetssjukehus(et)?\b", "universitetssykehus"),
    (r"\buniversitetssykehuset\b", "universitetssykehus"),
    (r"\bhelseforetak\b", ""),
    (r"\bhf\b", ""),
    (r"\bas\b", ""),
    (r"\bnorth\b", "nord"),
    (r"\bnorway\b", "norge"),
]
GENERIC_SITE = re.compile(
    r"(research|investigative|investigational|investigator|clinical|study|trial)\s+(site|center|centre)"
    r"|^site\b|\bsite\s*(no\.?|number)?\s*\d+$|^local institution$|^clinical trial site$",
    re.I,
)
MUNICIPALITY_SERVICE = re.compile(
    r"^(?:(?:municipality|kommune) of\s+(?P<a>.+)|(?P<b>.+?)\s+(?:municipality|kommune)\b.*)$",
    re.I,
)
MATCHED_AT = 70  # confidence from which a match is used without review
HEALTH_KINDS = (
    Organisation.Kind.HF,
    Organisation.Kind.HOSPITAL,
    Organisation.Kind.PRIVATE_NONPROFIT,
)


def normalise_name(name: str) -> str:
    """Lower case, ASCII letters (æ→ae, ø→o, å→a), Norwegian words for common English ones."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    for pattern, replacement in _REPLACEMENTS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"\bst\s*olavs?\b", "st olav", text)
    return re.sub(r"\s+", " ", text).strip()


TRUST_KINDS = (
    Organisation.Kind.HF,
    Organisation.Kind.RHF,
    Organisation.Kind.PRIVATE_NONPROFIT,
)


def trust_of(org: Organisation) -> Organisation:
    """Hospitals and units count for their health trust."""
    while org.parent is not None and org.kind not in TRUST_KINDS:
        org = org.parent
    return org


@dataclass
class SiteReading:
    """What a site string was read as."""

    method: str
    confidence: int
    organisation: Organisation | None = None
    candidates: list[Organisation] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.organisation is not None and self.confidence >= MATCHED_AT:
            return SiteMatch.Outcome.MATCHED
        if self.organisation is not None or self.candidates:
            return SiteMatch.Outcome.REVIEW
        return SiteMatch.Outcome.UNMATCHED


class OrganisationMatcher:
    """Matches a free-text name to a health trust (or other top-level organisation)."""

    def __init__(self) -> None:
        orgs = list(
            Organisation.objects.select_related("parent", "municipality").filter(is_active=True)
        )
        self.by_name = {o.name: o for o in orgs}
        self._by_pk = {o.pk: o for o in orgs}
        self._names: list[tuple[str, Organisation, bool]] = []  # (key, org, is own name)
        for org in orgs:
            target = self.trust(org)
            for name in (org.name, org.short_name):
                key = normalise_name(name or "")
                if len(key) >= 4:
                    self._names.append((key, target, True))
        for alias, name in ALIASES.items():
            if name in self.by_name:
                self._names.append((alias, self.by_name[name], False))
        self._names.sort(key=lambda item: -len(item[0]))  # Longest, most specific first.
        self._corrections = {
            a.key: a.organisation
            for a in OrganisationAlias.objects.select_related(
                "organisation", "organisation__parent"
            )
        }
        self._cities = self._city_index(orgs)

    def trust(self, org: Organisation) -> Organisation:
        """``trust_of`` on the organisations read once (no query per parent)."""
        while org.parent_id is not None and org.kind not in TRUST_KINDS:
            parent = self._by_pk.get(org.parent_id)
            if parent is None:
                return trust_of(org)
            org = parent
        return org

    def _city_index(self, orgs: list[Organisation]) -> dict[str, set[Organisation]]:
        index: dict[str, set[Organisation]] = {}
        municipalities = {
            normalise_name(m.name): m
            for m in Municipality.objects.select_related("catchment_organisation")
        }
        for org in orgs:
            if org.kind not in HEALTH_KINDS:
                continue
            words = set(normalise_name(f"{org.name} {org.short_name}").split())
            places = {key for key in municipalities if key in words}
            if org.municipality is not None:
                places.add(normalise_name(org.municipality.name))
            for place in places:
                index.setdefault(place, set()).add(self.trust(org))
        for key, municipality in municipalities.items():
            if municipality.catchment_organisation is not None:
                catchment = self._by_pk.get(municipality.catchment_organisation_id)
                index.setdefault(key, set()).add(
                    self.trust(catchment or municipality.catchment_organisation)
                )
        return index

    def match(self, text: str) -> Organisation | None:
        """The organisation a name (a sponsor, a lead institution) means, or None."""
        found = self._lookup(text)
        return found[0] if found else None

    def _lookup(self, text: str) -> tuple[Organisation, bool] | None:
        key = f" {normalise_name(text)} "
        for name, org, own in self._names:
            if f" {name} " in key:
                return org, own
        return None

    def correction(self, text: str) -> Organisation | None:
        return self._corrections.get(normalise_name(text))

    def remember(self, text: str, organisation: Organisation) -> None:
        self._corrections[normalise_name(text)] = organisation

    def city_candidates(self, city: str) -> list[Organisation]:
        found = set(self._cities.get(normalise_name(city), set()))
        named = self.match(city) if city else None
        if named is not None:
            found.add(named)
        return sorted(found, key=lambda o: o.name)

    def read_site(self, site: SiteRef) -> SiteReading:
        """How sure we are which organisation a registry's site is."""
        for text in (site.text, site.facility):
            remembered = self.correction(text) if text else None
            if remembered is not None:
                return SiteReading(SiteMatch.Method.CORRECTION, 100, remembered)
        facility = site.facility.strip()
        if facility and not GENERIC_SITE.search(facility):
            reading = self._read_named(facility)
            if reading is not None:
                return reading
        candidates = self.city_candidates(site.city) if site.city else []
        if candidates:
            confidence = 50 if len(candidates) == 1 else 30
            return SiteReading(SiteMatch.Method.CITY, confidence, None, candidates)
        return SiteReading(SiteMatch.Method.NONE, 0)

    def _read_named(self, facility: str) -> SiteReading | None:
        found = self._lookup(facility)
        if found is not None:
            org, own = found
            hospital = UNIVERSITY_HOSPITALS.get(org.name)
            if hospital and hospital in self.by_name:
                return SiteReading(SiteMatch.Method.ALIAS, 75, self.by_name[hospital], [org])
            return SiteReading(SiteMatch.Method.NAME if own else SiteMatch.Method.ALIAS, 90, org)
        municipality = municipality_named(facility)
        if municipality is not None:
            return SiteReading(SiteMatch.Method.MUNICIPALITY, 90, municipality)
        return None


def municipality_named(text: str) -> Organisation | None:
    """The health service of a municipality written as "Bodø Municipality" or "Bergen kommune"
    (an existing organisation, or the municipality's service organisation made now)."""
    match = MUNICIPALITY_SERVICE.match(text.strip())
    if not match:
        return None
    name = (match.group("a") or match.group("b") or "").strip()
    municipality = next(
        (m for m in Municipality.objects.filter(name__iexact=name)),
        None,
    ) or next(
        (m for m in Municipality.objects.all() if normalise_name(m.name) == normalise_name(name)),
        None,
    )
    if municipality is None:
        return None
    from .reviews import organisation_for_municipality  # writes: the one door for them

    return organisation_for_municipality(municipality=municipality)
