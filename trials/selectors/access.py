"""The access rules of the trials app's admin models, registered in ``sites.access`` at start-up.

Studies and sites are shared between regions: a coordinator sees every study that has a site (or
its responsible organisation) in their region, changes only the study-level fields of studies
their region leads, and changes only the site rows in their region.
"""

from typing import Any

from django.db.models import QuerySet

from sites.access import AccessRule, User, access_register
from sites.selectors import organisation_scope_q

from ..models import (
    HealthCategory,
    IdentityReview,
    ImportRun,
    OrganisationAlias,
    ResearchActivity,
    SiteMatch,
    Sponsor,
    StatusProposal,
    Study,
    StudySite,
)
from .studies import study_visible_to, studysite_visible_to


def study_changeable_by(user: User) -> QuerySet[Study]:
    """Studies whose study-level fields the user may change: those their organisations lead."""
    q = organisation_scope_q(user=user, prefix="responsible_organisation__")
    return Study.objects.all() if q is None else Study.objects.filter(q)


def studysite_changeable_by(user: User) -> QuerySet[StudySite]:
    """Site rows the user may change: those at an organisation in their scope."""
    q = organisation_scope_q(user=user, prefix="organisation__")
    return StudySite.objects.all() if q is None else StudySite.objects.filter(q)


def register_access_rules() -> None:
    access_register(
        Study,
        AccessRule(
            "scoped",
            visible=lambda user: study_visible_to(user=user),
            changeable=study_changeable_by,
            # An agreement or consent form may belong to a study led elsewhere with a site here.
            choosable=lambda user: study_visible_to(user=user),
        ),
    )
    access_register(
        StudySite,
        AccessRule(
            "scoped",
            visible=lambda user: studysite_visible_to(user=user),
            changeable=studysite_changeable_by,
        ),
    )
    # What an import leaves for review follows its study: seen with it, decided by who leads it.
    for model in (SiteMatch, IdentityReview, StatusProposal):
        access_register(model, _follows_its_study(model))
    # Remembered site names are one register for the whole country, kept nationally.
    access_register(OrganisationAlias, AccessRule("shared", editors="national"))
    # Imports are started and read by the national roles (national administrator, NorTrials).
    access_register(ImportRun, AccessRule("national", editors="national"))
    # Sponsors are one register for the whole country: every editor may add one.
    access_register(Sponsor, AccessRule("shared", editors="scope"))
    access_register(HealthCategory, AccessRule("shared", editors="national"))
    access_register(ResearchActivity, AccessRule("shared", editors="national"))


def _follows_its_study(model: type[SiteMatch | IdentityReview | StatusProposal]) -> AccessRule:
    """Rows seen with their study and changed by those who may change it."""

    def visible(user: User) -> QuerySet[Any]:
        return model.objects.filter(study__in=study_visible_to(user=user).values("pk"))

    def changeable(user: User) -> QuerySet[Any]:
        return model.objects.filter(study__in=study_changeable_by(user).values("pk"))

    return AccessRule("scoped", visible=visible, changeable=changeable)
