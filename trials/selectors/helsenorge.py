"""The public portfolio as helsenorge's study listing (``kliniske studier``), read in a fixed
number of queries per chunk of studies.

A listing has exactly the keys and value types of helsenorge's own: ``id``, ``tittel``,
``kategorier`` (list), ``sammendrag`` (text or null), ``status``, ``utfort_av`` (the responsible
health trust; the organisation itself when it belongs to none, as a university), ``deltakende_foretak`` (the trusts with a study site, in the order the sites were added, the
responsible one too when it has a site, as helsenorge's own listings do; null when none),
``relaterte_behandlinger`` (helsenorge's own treatment pages: not ours to say, always null),
``relaterte_diagnoser`` (SNOMED CT concept ids; null when none) and ``lenke``.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from sites.models import Organisation
from sites.selectors import organisation_health_trust

from ..helsenorge import HELSENORGE_STATUS, helsenorge_category, helsenorge_trust_name
from ..models import Study, StudyDiagnosis, StudySite
from .studies import study_public_queryset

FEED_CHUNK = 500
FEED_FIELDS = (
    "public_id",
    "scientific_title",
    "lay_title_nb",
    "lay_summary_nb",
    "status",
    "responsible_organisation_id",
)


def study_helsenorge_queryset() -> QuerySet[Study]:
    """Published studies in a status helsenorge lists, in public-id order."""
    return (
        study_public_queryset()
        .filter(status__in=list(HELSENORGE_STATUS))
        .only(*FEED_FIELDS)
        .prefetch_related(
            "hrcs_categories",
            Prefetch("diagnoses", queryset=StudyDiagnosis.objects.order_by("position")),
        )
        .order_by("public_id")
    )


def _trust_names(organisation_ids: set[int]) -> dict[int, tuple[str | None, str]]:
    """Organisation id → (its health trust as helsenorge names it or None, its own name)."""
    rows = list(
        Organisation.objects.filter(pk__in=organisation_ids)
        .annotate(trust=organisation_health_trust())
        .values_list("pk", "trust", "name")
    )
    trusts = {t for _, t, _ in rows if t}
    names = dict(Organisation.objects.filter(pk__in=trusts).values_list("pk", "name"))
    return {org: (helsenorge_trust_name(names[t]) if t else None, name) for org, t, name in rows}


def _site_organisations(study_ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    rows = StudySite.objects.filter(study_id__in=study_ids).values_list(
        "study_id", "organisation_id"
    )
    for study_id, organisation_id in rows.order_by("id"):
        found[study_id].append(organisation_id)
    return found


def helsenorge_listings(studies: Iterable[Study], *, link: Callable[[Study], str]) -> list[dict]:
    """The listings of a chunk of studies (already read with ``study_helsenorge_queryset``)."""
    studies = list(studies)
    sites = _site_organisations([s.pk for s in studies])
    organisations = {s.responsible_organisation_id for s in studies} | {
        org for orgs in sites.values() for org in orgs
    }
    trusts = _trust_names({org for org in organisations if org})
    return [_listing(s, trusts, sites.get(s.pk, []), link) for s in studies]


def _listing(study: Study, trusts: dict, site_orgs: list[int], link: Callable) -> dict:
    trust, own_name = trusts.get(study.responsible_organisation_id, (None, ""))
    responsible = trust or own_name
    participating = list(dict.fromkeys(trusts[o][0] for o in site_orgs if trusts[o][0]))
    diagnoses = [d.snomed_ct for d in study.diagnoses.all()]
    return {
        "id": study.public_id,
        "tittel": study.lay_title_nb or study.scientific_title,
        "kategorier": [helsenorge_category(c.code) for c in study.hrcs_categories.all()],
        "sammendrag": study.lay_summary_nb or None,
        "status": HELSENORGE_STATUS[study.status],
        "utfort_av": responsible,
        "deltakende_foretak": participating or None,
        "relaterte_behandlinger": None,
        "relaterte_diagnoser": diagnoses or None,
        "lenke": link(study),
    }


def helsenorge_feed(*, link: Callable[[Study], str]) -> Iterator[dict]:
    """Every listing, a chunk at a time (five queries a chunk, whatever its size)."""
    chunk: list[Study] = []
    for study in study_helsenorge_queryset().iterator(chunk_size=FEED_CHUNK):
        chunk.append(study)
        if len(chunk) == FEED_CHUNK:
            yield from helsenorge_listings(chunk, link=link)
            chunk = []
    yield from helsenorge_listings(chunk, link=link)
