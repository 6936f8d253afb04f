"""A database filled before industry collaboration became an app of its own (``trials.industry``,
label ``industry``) migrates forward with every row, history row, link and grant intact.

The models kept their tables, so the test goes back to the last migration before the move, writes
rows the way the code of that time did, migrates forward as a deploy does and reads them through
the new app: the content type rows are the same ones (renamed), so permissions, role groups and
the admin log still point at them.
"""

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from sites.history import protected_tables
from sites.models import Region
from tests.factories import SponsorFactory, StudyFactory, hf
from trials.industry.models import (
    Agreement,
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    Milestone,
    SponsorContact,
)
from trials.models import HealthCategory

MOVED = (
    "agreement",
    "historicalagreement",
    "milestone",
    "historicalmilestone",
    "feasibilityrequest",
    "feasibilityresponse",
    "feasibilityinterestprofile",
    "sponsorcontact",
)
WHEN = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def _before_the_move() -> tuple[str, str]:
    """The ``trials`` migration just before the one that hands the models to ``industry``."""
    loader = MigrationLoader(connection)
    (move,) = [
        key
        for key in loader.disk_migrations
        if key[0] == "trials" and key[1].endswith("_industry_moves_out")
    ]
    (parent,) = [p.key for p in loader.graph.node_map[move].parents if p.key[0] == "trials"]
    return parent


def _fill_as_before(old, *, study, sponsor, bergen, stavanger, vest, cancer) -> dict[str, int]:
    """Rows written with the models as they were inside ``trials`` (``old``: that state's apps)."""
    agreement = old.get_model("trials", "Agreement").objects.create(
        study_id=study.pk,
        sponsor_id=sponsor.pk,
        organisation_id=bergen.pk,
        kind="cta",
        status="signed",
        received_on=dt.date(2025, 1, 6),
        signed_on=dt.date(2025, 2, 3),
        recruitment_commitment=12,
    )
    old.get_model("trials", "HistoricalAgreement").objects.create(
        id=agreement.pk,
        study_id=study.pk,
        sponsor_id=sponsor.pk,
        organisation_id=bergen.pk,
        kind="cta",
        national_template_used=True,
        status="signed",
        cancellation_reason="",
        contact_email="",
        created_at=WHEN,
        updated_at=WHEN,
        history_date=WHEN,
        history_type="+",
        history_change_reason="Signert etter forhandling",
    )
    milestone = old.get_model("trials", "Milestone").objects.create(
        agreement_id=agreement.pk, kind="first_patient_in", planned_on=dt.date(2025, 5, 2)
    )
    request = old.get_model("trials", "FeasibilityRequest").objects.create(
        sponsor_id=sponsor.pk,
        contact_name="Eva",
        contact_email="eva@pharma.example.com",
        title="Immunterapi ved lungekreft",
        condition="Lungekreft",
        hrcs_category_id=cancer.pk,
        phase="2",
        design_summary="Randomisert",
        key_inclusion_criteria="Voksne",
        patients_wanted=40,
        received_at=WHEN,
        deadline=dt.date(2025, 3, 10),
        status="routed",
    )
    request.regions.set([vest.pk])
    request.organisations.set([stavanger.pk])
    old.get_model("trials", "FeasibilityResponse").objects.create(
        request_id=request.pk,
        organisation_id=bergen.pk,
        answer="yes",
        eligible_patients_per_year=15,
        routed_at=WHEN,
        answered_at=WHEN,
    )
    profile = old.get_model("trials", "FeasibilityInterestProfile").objects.create(
        organisation_id=bergen.pk, phases=["2", "3"], contact_email="fou@bergen.example.no"
    )
    profile.hrcs_categories.set([cancer.pk])
    old.get_model("trials", "SponsorContact").objects.create(
        sponsor_id=sponsor.pk, name="Eva", email="eva@pharma.example.com"
    )
    return {
        "agreement": agreement.pk,
        "milestone": milestone.pk,
        "request": request.pk,
        "profile": profile.pk,
        "public_id": request.public_id,
    }


def test_industry_rows_history_links_and_grants_survive_the_move(reference_data):
    bergen, stavanger = hf("Bergen"), hf("Stavanger")
    vest = Region.objects.get(code="helse-vest")
    cancer = HealthCategory.objects.get(code="02")
    sponsor = SponsorFactory(name="Pharma Nord AS")
    study = StudyFactory()

    # Back to the schema and content types of that time (the executor, not the command: the
    # command would make the current app's content types after it, which that time never had).
    before_the_move = _before_the_move()
    executor = MigrationExecutor(connection)
    executor.migrate([before_the_move])
    old = executor.loader.project_state(before_the_move).apps
    ids = _fill_as_before(
        old,
        study=study,
        sponsor=sponsor,
        bergen=bergen,
        stavanger=stavanger,
        vest=vest,
        cancer=cancer,
    )
    # Grants and the admin log of that time point at the content types labelled ``trials``.
    ContentType.objects.clear_cache()
    before = ContentType.objects.get(app_label="trials", model="agreement")
    change_agreement = Permission.objects.get(content_type=before, codename="change_agreement")
    group = Group.objects.create(name="Avtaleskrivere")
    group.permissions.add(change_agreement)
    user = get_user_model().objects.create_user(username="avtaler", is_staff=True)
    user.groups.add(group)
    LogEntry.objects.create(
        user=user,
        content_type=before,
        object_id=str(ids["agreement"]),
        object_repr="CTA",
        action_flag=CHANGE,
    )

    call_command("migrate", verbosity=0)  # as a deploy does
    ContentType.objects.clear_cache()

    agreement = Agreement.objects.get(pk=ids["agreement"])
    assert (agreement.study, agreement.organisation, agreement.signed_on) == (
        study,
        bergen,
        dt.date(2025, 2, 3),
    )
    assert [h.history_change_reason for h in agreement.history.all()] == [  # type: ignore[attr-defined]
        "Signert etter forhandling"
    ]
    assert Milestone.objects.get(pk=ids["milestone"]).agreement == agreement
    request = FeasibilityRequest.objects.get(pk=ids["request"])
    assert request.public_id == ids["public_id"]
    assert list(request.regions.all()) == [vest]
    assert list(request.organisations.all()) == [stavanger]
    assert request.responses.get().organisation == bergen
    assert FeasibilityResponse.objects.get().eligible_patients_per_year == 15
    profile = FeasibilityInterestProfile.objects.get(pk=ids["profile"])
    assert list(profile.hrcs_categories.all()) == [cancer]
    assert SponsorContact.objects.get().sponsor == sponsor

    # The same content type row, renamed: nothing left behind under ``trials``.
    assert ContentType.objects.get_for_model(Agreement).pk == before.pk
    assert not ContentType.objects.filter(app_label="trials", model__in=MOVED).exists()
    user = get_user_model().objects.get(pk=user.pk)
    assert user.has_perm("industry.change_agreement")
    assert LogEntry.objects.get(user=user).get_edited_object() == agreement
    if connection.vendor == "postgresql":
        assert {"trials_historicalagreement", "trials_historicalmilestone"} <= protected_tables()
