"""What the public reads about a study: the allowlisted columns, and the rest as plain values.

A page of twenty multi-site studies has hundreds of study sites. Built as model instances (site,
organisation, region, municipality: four per site) they cost several times the SQL that fetched
them, so the public reads them as values, once the page is cut: the sites of the page, their
organisations (joined in Python into :class:`PublicSite`), the HRCS categories and the number
enrolled, one query each. The API, FHIR and the study finder's study page all read what
:func:`study_attach_public` sets: ``public_sites``, ``public_hrcs`` and ``enrolled``. The finder's
list shows less of a study (``FINDER_STUDY_FIELDS``) and only where its sites are and whether they
take in participants: :func:`study_attach_places` reads that and nothing more.
"""

import functools
import weakref
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.db import connection

from sites.models import Municipality, Organisation, Region
from sites.operations.reference_cache import ReferenceRows
from sites.operations.replica import read_connection
from sites.selectors import organisation_public_id

from ..models import HealthCategory, Study, StudySite

# Every column a public reader (API, export, FHIR, study finder) uses; nothing internal is loaded.
PUBLIC_STUDY_FIELDS = (
    "public_id",
    "rek_number",
    "eu_ct_number",
    "eudract_number",
    "nct_id",
    "isrctn",
    "scientific_title",
    "lay_title_nb",
    "lay_title_nn",
    "lay_title_en",
    "lay_summary_nb",
    "lay_summary_nn",
    "lay_summary_en",
    "status",
    "category",
    "phase",
    "conditions",
    "min_age",
    "max_age",
    "sex",
    "healthy_volunteers",
    "eligibility_criteria",
    "sponsor_type",
    "sponsor__name",
    "decentralised",
    "target_enrolment",
    "opened_on",
    "planned_recruitment_end_on",
    "updated_at",
)


# The HRCS health categories a public page names, as plain rows from the shared cache, in the
# order of their names in Bokmål (also for Nynorsk) and in English.
HEALTH_CATEGORY_ROWS = {
    lang: ReferenceRows(
        f"by-{label}",
        HealthCategory.objects.order_by(label),
        *("id", "code", "label_nb", "label_en"),
    )
    for lang, label in (("nb", "label_nb"), ("en", "label_en"))
}


class PublicSite(NamedTuple):
    """A study site as the public sees it: where, whether it is open, and whom to contact.

    A named tuple, not a frozen dataclass: a page builds a hundred of them, and a tuple is built
    in one step where a frozen dataclass sets each of its fifteen fields on its own."""

    organisation_name: str
    organisation_orgnr: str | None
    region_code: str | None
    region_name: str | None
    municipality_code: str | None
    municipality_name: str | None
    latitude: float | None
    longitude: float | None
    status: str
    is_decentralised: bool
    target_enrolment: int | None
    local_investigator: str
    contact_name: str
    contact_email: str
    contact_phone: str
    organisation_id: str = ""  # the organisation's public id (sites.selectors)

    @property
    def is_open(self) -> bool:
        return self.status == StudySite.Status.OPEN

    @property
    def status_label(self) -> str:
        return str(StudySite.Status(self.status).label)

    @property
    def place(self) -> str:
        """Where it runs, in a word: the municipality, else the organisation."""
        return self.municipality_name or self.organisation_name


class PublicHealthCategory(NamedTuple):
    """An HRCS health category of a study."""

    code: str
    label_nb: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_nb


FINDER_STUDY_FIELDS = (
    "public_id",
    "scientific_title",
    *(f"lay_{text}_{lang}" for text in ("title", "summary") for lang in ("nb", "nn", "en")),
    "status",
    "category",
    "min_age",
    "max_age",
)
"""What an item of the study finder's list shows: titles and summaries, status, type and ages (the
rest of a study is on its own page)."""


class SitePlace(NamedTuple):
    """Where a study site is, as an item of the study finder's list names it, and its status."""

    place: str
    status: str

    @property
    def is_open(self) -> bool:
        return self.status == StudySite.Status.OPEN


if TYPE_CHECKING:

    class PublicStudy(Study):
        """A study as the public reads it: what :func:`study_attach_public` sets on it, and the
        distance a search near a place adds (``trials.selectors.search``)."""

        public_sites: list[PublicSite]
        public_hrcs: list[PublicHealthCategory]
        enrolled: int
        distance_km: float | None
        site_places: list[SitePlace]

else:
    PublicStudy = Study


# Participants who count as enrolled (the "n" of "n/N"): consents.Enrolment.Status INCLUDED and
# COMPLETED, spelled out because trials may not import consents when it is loaded (a test checks).
ENROLLED_STATUSES = ("included", "completed")


def study_attach_public(studies: Iterable[Study]) -> list[PublicStudy]:
    """Set on each study what the public reads besides its columns, in one round trip to
    PostgreSQL for a page (four statements; four queries elsewhere):

    - ``public_sites``: :class:`PublicSite` by organisation name;
    - ``public_hrcs``: :class:`PublicHealthCategory` by code;
    - ``enrolled``: participants included or completed so far.

    Plain SQL over the page's ids: compiling four ORM queries cost more than running them.
    """
    attached = [cast(PublicStudy, study) for study in studies]
    if not attached:
        return attached
    site_rows, organisation_rows, hrcs_rows, enrolled_rows = _page_rows(
        _public_page(), [study.pk for study in attached]
    )
    places = {org_id: where for org_id, *where in organisation_rows}
    sites: dict[int, list[PublicSite]] = defaultdict(list)
    for study_id, org_id, status, decentralised, *site in site_rows:
        place = places[org_id]
        public_id = organisation_public_id(pk=org_id, orgnr=place[1])
        # SQLite gives the flag as 0/1.
        sites[study_id].append(
            PublicSite._make([*place, status, bool(decentralised), *site, public_id])
        )
    hrcs: dict[int, list[PublicHealthCategory]] = defaultdict(list)
    for study_id, *category in hrcs_rows:
        hrcs[study_id].append(PublicHealthCategory._make(category))
    enrolled: dict[int, int] = dict(enrolled_rows)
    for study in attached:
        study.public_sites = sorted(sites.get(study.pk, ()), key=_by_organisation_name)
        study.public_hrcs = hrcs.get(study.pk, [])
        study.enrolled = enrolled.get(study.pk, 0)
    return attached


def study_attach_places(studies: Iterable[Study]) -> list[PublicStudy]:
    """Set on each study ``site_places``: where its sites are (:class:`SitePlace`, the
    municipality, else the organisation) and their status, all a study finder's list item shows of
    them; one round trip to PostgreSQL for a page (two statements; two queries elsewhere)."""
    attached = [cast(PublicStudy, study) for study in studies]
    if not attached:
        return attached
    site_rows, organisation_rows = _page_rows(_finder_page(), [study.pk for study in attached])
    places = {org_id: municipality or name for org_id, name, municipality in organisation_rows}
    sites: dict[int, list[SitePlace]] = defaultdict(list)
    for study_id, org_id, status in site_rows:
        sites[study_id].append(SitePlace(places[org_id], status))
    for study in attached:
        study.site_places = sites.get(study.pk, [])
    return attached


Rows = list[tuple[Any, ...]]


class _Statement(NamedTuple):
    """One statement of a page: its SQL over ``{ids}``, the page's studies (or, with
    ``of_sites_organisations``, the organisations of the sites the first statement read, their
    ids its rows' second column), and its other parameters."""

    name: str
    sql: str
    params: tuple[str, ...] = ()
    of_sites_organisations: bool = False


@functools.cache
def _public_page() -> tuple[_Statement, ...]:
    return (
        _Statement("public_page_sites", _SITES_SQL),
        _Statement("public_page_organisations", _ORGANISATIONS_SQL, of_sites_organisations=True),
        _Statement("public_page_hrcs", _HRCS_SQL),
        _Statement("public_page_enrolled", _enrolled_sql(), ENROLLED_STATUSES),
    )


@functools.cache
def _finder_page() -> tuple[_Statement, ...]:
    return (
        _Statement("finder_page_sites", _SITE_PLACES_SQL),
        _Statement(
            "finder_page_organisations", _ORGANISATION_PLACES_SQL, of_sites_organisations=True
        ),
    )


# The database sessions (psycopg connections) that have prepared each page's statements.
_PREPARED: dict[str, "weakref.WeakSet[Any]"] = defaultdict(weakref.WeakSet)


def _page_rows(page: tuple[_Statement, ...], ids: list[int]) -> list[Rows]:
    """The rows of each statement of ``page`` for the studies ``ids``. On PostgreSQL they go in
    one round trip, prepared once per database session (planning them cost PostgreSQL more than
    running them), the ids as one text parameter (``{1,2,3}``): psycopg writes a Python list out
    element by element, and a page's four lists cost more than the statements' own planning."""
    database = read_connection(Study)
    if database.vendor != "postgresql":
        results: list[Rows] = []
        for statement in page:
            keys = list({row[1] for row in results[0]}) if statement.of_sites_organisations else ids
            results.append(_rows(statement.sql, keys, *statement.params))
        return results
    literal = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
    database.ensure_connection()
    session = database.connection
    prepare, execute, params = _page_statements(page)
    prepared = _PREPARED[page[0].name]
    with database.cursor() as cursor:
        if session not in prepared:
            # Parsed and planned once per database session, not for every page.
            cursor.execute(prepare, params)
            prepared.add(session)
        cursor.execute(execute, [literal] * len(page))
        results = [cursor.fetchall()]
        while cursor.nextset():
            results.append(cursor.fetchall())
    return results


@functools.cache
def _page_statements(page: tuple[_Statement, ...]) -> tuple[str, str, list[str]]:
    """PREPARE of a page's statements on PostgreSQL (the ids as ``$1``, an integer array) with
    its parameters, and their EXECUTE with the ids as one text parameter (``{1,2,3}``) each."""
    ids = "= ANY($1)"
    of_sites = f"= ANY(ARRAY(SELECT organisation_id FROM {_table(StudySite)} WHERE study_id {ids}))"  # noqa: S608
    prepare = ";\n".join(
        f"PREPARE {statement.name}(integer[]) AS "
        + statement.sql.format(ids=of_sites if statement.of_sites_organisations else ids)
        for statement in page
    )
    execute = ";\n".join(f"EXECUTE {statement.name}(%s)" for statement in page)
    return prepare, execute, [param for statement in page for param in statement.params]


def _by_organisation_name(site: PublicSite) -> str:
    return site.organisation_name


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Each statement reads rows whose key is in a list of ids ({ids}); table names come from the
# models, every value is a parameter.
_SITES_SQL = (
    "SELECT study_id, organisation_id, status, is_decentralised, target_enrolment, "  # noqa: S608
    "local_investigator, contact_name, contact_email, contact_phone "
    f"FROM {_table(StudySite)} WHERE study_id {{ids}} ORDER BY id"
)
# The first eight fields of a PublicSite, by organisation id: the organisation and where it is.
# Not joined to the sites: for a page's few organisations PostgreSQL would hash all of them.
_ORGANISATIONS_SQL = (
    "SELECT o.id, o.name, o.orgnr, r.code, r.name, m.code, m.name, "  # noqa: S608
    "CAST(o.latitude AS DOUBLE PRECISION), CAST(o.longitude AS DOUBLE PRECISION) "
    f"FROM {_table(Organisation)} o LEFT JOIN {_table(Region)} r ON r.id = o.region_id "
    f"LEFT JOIN {_table(Municipality)} m ON m.id = o.municipality_id WHERE o.id {{ids}}"
)
# What a study finder's list item names of the sites: where each is, and whether it is open.
_SITE_PLACES_SQL = (
    f"SELECT study_id, organisation_id, status FROM {_table(StudySite)} WHERE study_id {{ids}}"  # noqa: S608
)
_ORGANISATION_PLACES_SQL = (
    f"SELECT o.id, o.name, m.name FROM {_table(Organisation)} o "  # noqa: S608
    f"LEFT JOIN {_table(Municipality)} m ON m.id = o.municipality_id WHERE o.id {{ids}}"
)
_HRCS_SQL = (
    "SELECT l.study_id, c.code, c.label_nb, c.label_en "  # noqa: S608
    f"FROM {_table(Study.hrcs_categories.through)} l "
    f"JOIN {_table(HealthCategory)} c ON c.id = l.healthcategory_id "
    "WHERE l.study_id {ids} ORDER BY c.code"
)


def _enrolled_sql() -> str:
    """The number enrolled per study of the page."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.

    return (
        f"SELECT study_id, COUNT(*) FROM {_table(Enrolment)} "  # noqa: S608
        f"WHERE study_id {{ids}} AND status IN ({', '.join(['%s'] * len(ENROLLED_STATUSES))}) "
        "GROUP BY study_id"
    )


def _rows(sql: str, ids: list[int], *params: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` with ``{ids}`` standing for membership in ``ids`` (placeholders; PostgreSQL
    reads a page in one round trip, see ``_page_rows``)."""
    if not ids:
        return []
    sql = sql.format(ids=f"IN ({', '.join(['%s'] * len(ids))})")
    with read_connection(Study).cursor() as cursor:
        cursor.execute(sql, [*ids, *params])
        return cursor.fetchall()
