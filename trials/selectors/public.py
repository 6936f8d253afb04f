"""What the public reads about a study: the allowlisted columns and the sites as plain values.

A page of twenty multi-site studies has hundreds of study sites. Built as model instances (site,
organisation, region, municipality: four per site) they cost several times the SQL that fetched
them, so the public reads them as values: one query for the sites of the page, one for their
organisations, joined in Python into :class:`PublicSite`. The API, FHIR and the study finder all
read ``study.public_sites``, set by :func:`study_attach_public_sites` once the page is cut.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sites.models import Organisation

from ..models import Study, StudySite

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

# Read in the order of PublicSite's fields: organisation and place first, then the site.
_SITE_COLUMNS = (
    "study_id",
    "organisation_id",
    "status",
    "is_decentralised",
    "target_enrolment",
    "local_investigator",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_ORGANISATION_COLUMNS = (
    "id",
    "name",
    "orgnr",
    "region__code",
    "region__name",
    "municipality__code",
    "municipality__name",
    "latitude",
    "longitude",
)


@dataclass(frozen=True, slots=True)
class PublicSite:
    """A study site as the public sees it: where, whether it is open, and whom to contact."""

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


def _float(value) -> float | None:
    return None if value is None else float(value)


def study_attach_public_sites(studies: Iterable[Study]) -> list[Study]:
    """Set ``public_sites`` (by organisation name) on each study, in two queries for them all."""
    studies = list(studies)
    sites = list(
        StudySite.objects.filter(study_id__in=[study.pk for study in studies])
        .order_by("id")
        .values_list(*_SITE_COLUMNS)
    )
    org_ids = {row[1] for row in sites}
    rows = (
        Organisation.objects.filter(pk__in=org_ids).order_by().values_list(*_ORGANISATION_COLUMNS)
        if org_ids
        else ()
    )
    # The first eight fields of a PublicSite: the organisation and where it is.
    places = {org_id: (*where, _float(lat), _float(lon)) for org_id, *where, lat, lon in rows}
    by_study: dict[int, list[PublicSite]] = defaultdict(list)
    for study_id, org_id, *site in sites:
        by_study[study_id].append(PublicSite(*places[org_id], *site))
    for study in studies:
        study.public_sites = sorted(by_study.get(study.pk, ()), key=_by_organisation_name)
    return studies


def _by_organisation_name(site: PublicSite) -> str:
    return site.organisation_name
