"""One identity per study: which study a registry record belongs to, or why a person must decide.

A record belongs to the study already linked to it (same registry, same id). Otherwise to the
study that has one of its identifiers (EU CT, EudraCT, NCT, ISRCTN, REK), unless two studies
claim them or the titles differ too much. Without a shared identifier, a study of the same
responsible organisation with (almost) the same title and no contradicting identifier is the same
study; a merely similar title is held for review. A record with no Norwegian organisation (a
foreign sponsor's trial) is compared with the studies of the same sponsor instead (one company
group counts as one sponsor: ``sponsorgroups``), and a similar title there, or the same product
code in the titles ("SAR442168"), is always held for review. Nothing is merged silently.
"""

import re
from dataclasses import dataclass, field

from sites.models import Organisation

from ...models import Decision, IdentityReview, RegistryRecord, Sponsor, Study
from ...validators import IDENTIFIER_FIELDS
from .records import StudyRecord
from .sitematch import normalise_name
from .sponsorgroups import sponsor_groups

SAME_TITLE = 0.9  # word overlap from which two titles of one organisation are one study
SIMILAR_TITLE = 0.6  # from which a person should look
DIFFERENT_TITLE = 0.3  # below which one identifier on two titles is a conflict
_STOP = {
    "the", "and", "for", "with", "of", "in", "on", "to", "a", "an", "study", "trial", "versus",
    "vs", "randomized", "randomised", "controlled", "phase", "patients", "effect", "effects",
    "og", "med", "til", "som", "av", "ved", "hos", "studie",
}  # fmt: skip
_PRODUCT_CODE = re.compile(r"[a-z]{2,}\d{3,}[a-z0-9]*")
_SPONSOR_NOISE = {
    "pharma", "pharmaceutical", "pharmaceuticals", "corp", "corporation", "inc", "ltd",
    "limited", "company", "gmbh", "llc", "group", "international", "research", "development",
    "germany", "darmstadt", "university", "hospital",
}  # fmt: skip


def title_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]{3,}", normalise_name(text or ""))
    return frozenset(w for w in words if w not in _STOP)


def title_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if min(len(a), len(b)) < 4:
        return 1.0 if a and a == b else 0.0
    return len(a & b) / min(len(a), len(b))


def _study_words(study: Study) -> list[frozenset[str]]:
    titles = (study.scientific_title, study.lay_title_en, study.lay_title_nb)
    return [title_words(t) for t in titles if t]


@dataclass
class Identity:
    study: Study | None = None
    hold: str = ""  # why the record waits for a person (then nothing is written)


@dataclass
class TitleIndex:
    """What identifies the studies we have, read once per import: each organisation's titles,
    every identifier, the registry records linked, and the identity decisions people made."""

    by_org: dict[int, list[tuple[int, list[frozenset[str]]]]] = field(default_factory=dict)
    ids: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    links: set[tuple[str, str]] = field(default_factory=set)
    decisions: dict[tuple[str, str], list[tuple[str, int, int | None]]] = field(
        default_factory=dict
    )
    loaded: bool = False

    def load(self) -> None:
        if self.loaded:
            return
        for row in Study.objects.values("pk", *IDENTIFIER_FIELDS):
            self.add_ids(row["pk"], row)
        self.links = set(RegistryRecord.objects.values_list("registry", "registry_id"))
        reviews = IdentityReview.objects.exclude(decision=Decision.OPEN).values_list(
            "registry", "registry_id", "decision", "study_id", "other_study_id"
        )
        for registry, registry_id, decision, study_id, other_id in reviews:
            self.decisions.setdefault((registry, registry_id), []).append(
                (decision, study_id, other_id)
            )
        self.loaded = True

    def add_ids(self, pk: int, values: dict) -> None:
        for kind in IDENTIFIER_FIELDS:
            if values.get(kind):
                self.ids.setdefault((kind, values[kind]), set()).add(pk)

    def claimed(self, identifiers: dict[str, str]) -> set[int]:
        self.load()
        found: set[int] = set()
        for kind, value in identifiers.items():
            found |= self.ids.get((kind, value), set())
        return found

    def studies_of(self, org: Organisation) -> list[tuple[int, list[frozenset[str]]]]:
        if org.pk not in self.by_org:
            rows = Study.objects.filter(responsible_organisation=org).only(
                "pk", "scientific_title", "lay_title_en", "lay_title_nb"
            )
            self.by_org[org.pk] = [(s.pk, _study_words(s)) for s in rows]
        return self.by_org[org.pk]

    def add(self, study: Study) -> None:
        self.add_ids(study.pk, {kind: getattr(study, kind) for kind in IDENTIFIER_FIELDS})
        if study.responsible_organisation_id in self.by_org:
            self.by_org[study.responsible_organisation_id].append((study.pk, _study_words(study)))


def _decisions(record: StudyRecord, index: "TitleIndex") -> tuple[int | None, set[int]]:
    """The study a person linked this record to, and the studies they kept it apart from."""
    index.load()
    linked: int | None = None
    apart: set[int] = set()
    for decision, study_id, other_id in index.decisions.get(
        (record.registry, record.registry_id), []
    ):
        if decision == Decision.ACCEPTED:
            linked = study_id
        else:
            apart |= {pk for pk in (study_id, other_id) if pk is not None}
    return linked, apart


def _review(
    record: StudyRecord, study: Study, kind: str, detail: str, other: Study | None = None
) -> IdentityReview:
    review, _created = IdentityReview.objects.get_or_create(
        study=study,
        registry=record.registry,
        registry_id=record.registry_id,
        kind=kind,
        defaults={
            "other_study": other,
            "record_title": record.title[:500],
            "record_sponsor": record.sponsor_name[:200],
            "identifiers": record.identifiers,
            "detail": detail,
        },
    )
    return review


def identity_find(
    *, record: StudyRecord, lead: Organisation | None, titles: TitleIndex
) -> Identity:
    """The study this record is, none (a new study), or a hold with the review it waits for."""
    linked, apart = _decisions(record, titles)
    if linked is not None:
        return Identity(Study.objects.filter(pk=linked).first())
    pks = titles.claimed(record.identifiers) - apart
    claimed = list(Study.objects.filter(pk__in=pks).order_by("pk")) if pks else []
    if len(claimed) > 1:
        _review(record, claimed[0], IdentityReview.Kind.IDENTIFIER_CONFLICT,
                f"Identifikatorene i {record.registry_id} tilhører to studier.", claimed[1])  # fmt: skip
        return Identity(hold="to studier har identifikatorene; venter på vurdering")
    if claimed:
        return _check_claimed(record, claimed[0], lead)
    return _by_title(record, lead, titles, apart)


def _contradicting(record: StudyRecord, study: Study) -> list[str]:
    """Identifiers the study already has with another value (two registrations, one number)."""
    return [
        kind
        for kind, value in record.identifiers.items()
        if getattr(study, kind) and getattr(study, kind) != value
    ]


def _check_claimed(record: StudyRecord, study: Study, lead: Organisation | None) -> Identity:
    if _contradicting(record, study):
        _review(record, study, IdentityReview.Kind.IDENTIFIER_CONFLICT,
                f"{record.registry_id} deler en identifikator med studien, men har egne "
                "identifikatorer som studien har med andre verdier.")  # fmt: skip
        return Identity(
            hold="deler en identifikator med en studie med andre id-er; venter på vurdering"
        )
    words = title_words(record.title)
    overlap = max((title_overlap(words, w) for w in _study_words(study)), default=0.0)
    if overlap < DIFFERENT_TITLE and (lead is None or lead.pk != study.responsible_organisation_id):
        _review(record, study, IdentityReview.Kind.TITLE_DIFFERS,
                f"Samme identifikator, men tittelen «{record.title[:120]}» er en annen.")  # fmt: skip
        return Identity(
            hold="samme identifikator som en studie med annen tittel; venter på vurdering"
        )
    return Identity(study)


def _closest(
    record: StudyRecord, candidates: list[tuple[int, list[frozenset[str]]]], apart: set[int]
) -> tuple[float, int | None]:
    words = title_words(record.title) | title_words(record.lay_title_en)
    best, best_pk = 0.0, None
    for pk, study_words in candidates:
        if pk in apart:
            continue
        overlap = max((title_overlap(words, w) for w in study_words), default=0.0)
        if overlap > best:
            best, best_pk = overlap, pk
    return best, best_pk


def sponsor_words(name: str) -> frozenset[str]:
    """What tells one sponsor from another: its company group when the name is one of a group's
    ("Genzyme Corp." → Sanofi), else its words ("Novartis Pharma AG" → novartis)."""
    groups = sponsor_groups(name)
    if groups:
        return groups
    words = re.findall(r"[a-z0-9]{4,}", normalise_name(name or ""))
    return frozenset(w for w in words if w not in _SPONSOR_NOISE)


def _sponsor_studies(name: str) -> list[tuple[int, list[frozenset[str]]]]:
    words = sponsor_words(name)
    if not words:
        return []
    sponsors = [
        pk
        for pk, other in Sponsor.objects.values_list("pk", "name")
        if sponsor_words(other) & words
    ]
    rows = Study.objects.filter(sponsor__in=sponsors).only(
        "pk", "scientific_title", "lay_title_en", "lay_title_nb"
    )
    return [(s.pk, _study_words(s)) for s in rows]


def product_codes(words: frozenset[str]) -> frozenset[str]:
    """A product's development code among a title's words ("SAR442168", "OMB157")."""
    return frozenset(w for w in words if _PRODUCT_CODE.fullmatch(w))


def _by_sponsor(record: StudyRecord, apart: set[int]) -> Identity:
    """No Norwegian organisation to compare within (a foreign sponsor's trial): a study of the
    same sponsor with a similar title may be the same trial in another registry. When some of
    the sponsor's studies name the record's product code in their titles, the closest of those is
    offered, however few other words they share. A person decides; a title alone never links
    them."""
    candidates = _sponsor_studies(record.sponsor_name)
    codes = product_codes(title_words(record.title))
    coded = [(pk, words) for pk, words in candidates if any(codes & w for w in words)]
    best, best_pk = _closest(record, coded or candidates, apart)
    similar = bool(coded) or best >= SIMILAR_TITLE
    study = Study.objects.get(pk=best_pk) if best_pk and similar else None
    if study is None or _contradicting(record, study):
        return Identity()
    same = f"Samme produktkode ({', '.join(sorted(codes)).upper()})" if coded else "Lik tittel"
    _review(record, study, IdentityReview.Kind.POSSIBLE_SAME,
            f"{same} og samme sponsor ({round(best * 100)} % like ord).")  # fmt: skip
    return Identity(hold="trolig samme studie som en vi har (samme sponsor); venter på vurdering")


def _by_title(
    record: StudyRecord, lead: Organisation | None, titles: TitleIndex, apart: set[int]
) -> Identity:
    if lead is None:
        return _by_sponsor(record, apart)
    best, best_pk = _closest(record, titles.studies_of(lead), apart)
    if best_pk is None or best < SIMILAR_TITLE:
        return Identity()
    study = Study.objects.get(pk=best_pk)
    if _contradicting(record, study):
        return Identity()
    if best >= SAME_TITLE:
        return Identity(study)
    _review(record, study, IdentityReview.Kind.POSSIBLE_SAME,
            f"Lik tittel og samme ansvarlige organisasjon ({round(best * 100)} % like ord).")  # fmt: skip
    return Identity(hold="trolig samme studie som en vi har; venter på vurdering")
