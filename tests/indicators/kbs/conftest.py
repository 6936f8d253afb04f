"""People, studies and enrolments for the KBS report: the year reported for is 2025 (the clock
stands in November 2026, see ``frozen_now``)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from consents.models import Enrolment, Participant
from indicators.kbs import services
from indicators.kbs.models import KbsProject, ReportingPeriod
from sites.history import save_with_history
from sites.models import Region, UserScope
from sites.roles import user_scope_assign
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.models import Study

YEAR = 2025


def make_user(username: str, role: str, **scope):
    user = get_user_model().objects.create_user(
        username=username,
        password="pw-for-tests-only-1",
        is_staff=True,
        email=f"{username}@example.no",
    )
    user_scope_assign(user=user, role=role, **scope)
    return user


@pytest.fixture
def kbs_admin(reference_data):
    """The national administrator: NVA's KBS administrator."""
    return make_user("kbs-admin", UserScope.Role.NATIONAL_ADMIN)


@pytest.fixture
def manager(coordinator_vest):
    """Project manager: the coordinator of the region that leads the study (Helse Vest)."""
    coordinator_vest.email = "koordinator-vest@example.no"
    coordinator_vest.save(update_fields=["email"])
    return coordinator_vest


@pytest.fixture
def local_manager(reference_data):
    """Local project manager: research support at UNN, where the study has a site."""
    return make_user("lokal-unn", UserScope.Role.ORGANISATION_STAFF, organisation=hf("Nord-Norge"))


@pytest.fixture
def participant_user(helse_vest):
    """Project participant: an observer of Helse Vest sees the study, changes nothing."""
    return make_user("observator-vest", UserScope.Role.OBSERVER, region=helse_vest)


@pytest.fixture
def outsider(reference_data):
    """No role on the study: a coordinator of Helse Midt-Norge, where it has no site."""
    return make_user(
        "koordinator-midt",
        UserScope.Role.REGIONAL_COORDINATOR,
        region=Region.objects.get(code="helse-midt-norge"),
    )


@pytest.fixture
def nortrials(reference_data):
    """National, but no part in the report."""
    return make_user("nortrials", UserScope.Role.NORTRIALS)


@dataclass
class KbsStudy:
    study: Study
    bergen: object
    unn: object


def kbs_study(**fields) -> KbsStudy:
    """An open drug trial led by Helse Bergen, REK-approved in 2024, with a site at UNN."""
    values = {
        "responsible_organisation": hf("Bergen"),
        "rek_approved_on": dt.date(2024, 3, 1),
        "opened_on": dt.date(2024, 4, 1),
        "planned_recruitment_end_on": dt.date(2027, 12, 31),
        **fields,
    }
    study = StudyFactory(**values)
    bergen = StudySiteFactory(study=study, organisation=hf("Bergen"))
    unn = StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
    return KbsStudy(study=study, bergen=bergen, unn=unn)


def enrol(site, *days: dt.date) -> None:
    for day in days:
        n = Participant.objects.count()
        participant = Participant.objects.create(pseudonym=f"kbs-p{n}", birth_year=1960)
        Enrolment.objects.create(
            participant=participant, study=site.study, site=site, included_on=day
        )


@pytest.fixture
def trial(frozen_now, reference_data) -> KbsStudy:
    """The candidate: 2 inclusions in 2024 at Bergen; in 2025 three at Bergen and one at UNN."""
    made = kbs_study(rek_number="2024/12345")
    enrol(made.bergen, dt.date(2024, 9, 2), dt.date(2024, 11, 20))
    enrol(made.bergen, dt.date(2025, 1, 15), dt.date(2025, 5, 5), dt.date(2025, 10, 1))
    enrol(made.unn, dt.date(2025, 3, 3))
    return made


@pytest.fixture
def period(kbs_admin) -> ReportingPeriod:
    return services.reporting_period_create(year=YEAR, user=kbs_admin)


@pytest.fixture
def project(trial, manager, period) -> KbsProject:
    """The trial marked reportable for 2025 by its project manager."""
    return services.kbs_mark(
        study=trial.study, year=YEAR, decision=KbsProject.Decision.REPORTABLE, user=manager
    )


def change_study(study: Study, **fields) -> Study:
    """The study's data changes (as in its admin form), with history."""
    for name, value in fields.items():
        setattr(study, name, value)
    return save_with_history(study, user=None, reason="Endret i testen.")


def closed(period: ReportingPeriod, admin) -> ReportingPeriod:
    return services.reporting_period_close(period=period, user=admin)


@pytest.fixture(autouse=True)
def _tasks_here(tasks_in_process):
    """The KBS tests read the e-mail a task sends."""
    yield
