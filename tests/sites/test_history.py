"""The history helpers: one history row per change, with who, why, a new ``updated_at`` and version."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from sites.history import (
    AuditBypassError,
    AuditedQuerySet,
    audited_models,
    bulk_update_with_history,
    history_tables,
    save_with_history,
    update_with_history,
)
from sites.locking import StaleObjectError
from tests.factories import StudyFactory, StudySiteFactory
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(username="redaktor", password="pw-for-tests-1")


def test_save_with_history_stamps_the_row_and_its_history(reference_data, editor):
    study = StudyFactory()
    before_updated, before_version = study.updated_at, study.version
    study.scientific_title = "Ny tittel"
    save_with_history(study, user=editor, reason="Rettet tittel")
    study.refresh_from_db()
    assert study.updated_at > before_updated
    assert study.version == before_version + 1
    latest = study.history.latest()
    assert latest.scientific_title == "Ny tittel"
    assert latest.history_change_reason == "Rettet tittel"
    assert latest.history_user == editor
    # The reason is not left on the object for a later save to reuse.
    assert not hasattr(study, "_change_reason") and not hasattr(study, "_history_user")


def test_save_with_history_with_update_fields_still_writes_the_stamp(reference_data):
    study = StudyFactory()
    before = study.updated_at
    study.target_enrolment = 7
    save_with_history(study, user=None, reason="Nytt mål", update_fields=["target_enrolment"])
    study.refresh_from_db()
    assert study.target_enrolment == 7 and study.updated_at > before and study.version == 2


def test_a_new_row_keeps_version_one_and_has_a_created_history_row(reference_data):
    study = StudyFactory.build(responsible_organisation=StudyFactory().responsible_organisation)
    save_with_history(study, user=None, reason="Opprettet")
    assert study.version == 1
    assert study.history.get().history_type == "+"


def test_the_version_is_bumped_from_the_database_not_from_a_stale_copy(reference_data):
    study = StudyFactory()
    stale_copy = Study.objects.get(pk=study.pk)
    save_with_history(study, user=None, reason="Første")
    save_with_history(stale_copy, user=None, reason="Andre")
    assert Study.objects.get(pk=study.pk).version == 3


def test_an_expected_version_refuses_a_stale_save_and_writes_nothing(reference_data):
    study = StudyFactory()
    first, second = Study.objects.get(pk=study.pk), Study.objects.get(pk=study.pk)
    first.scientific_title = "Første"
    save_with_history(first, user=None, reason="a", expected_version=1)
    second.scientific_title = "Andre"
    with pytest.raises(StaleObjectError, match="etter at du åpnet den"):
        save_with_history(second, user=None, reason="b", expected_version=1)
    study.refresh_from_db()
    assert study.scientific_title == "Første" and study.version == 2
    assert study.history.count() == 2


def test_a_long_reason_is_cut_to_fit_the_history_column(reference_data):
    study = StudyFactory()
    save_with_history(study, user=None, reason="x" * 300)
    assert len(study.history.latest().history_change_reason) == 100


def test_bulk_update_with_history_writes_one_row_each_and_moves_the_stamps(reference_data, editor):
    sites = [StudySiteFactory() for _ in range(3)]
    before = {site.pk: site.updated_at for site in sites}
    for site in sites:
        site.contact_name = "Forskningsposten"
    assert bulk_update_with_history(sites, ["contact_name"], user=editor, reason="Ny kontakt") == 3
    for site in StudySite.objects.filter(pk__in=before):
        assert site.contact_name == "Forskningsposten" and site.updated_at > before[site.pk]
        latest = site.history.latest()
        assert latest.history_change_reason == "Ny kontakt" and latest.history_user == editor
        assert latest.history_type == "~" and latest.contact_name == "Forskningsposten"


def test_bulk_update_with_history_bumps_versions(reference_data):
    studies = [StudyFactory(), StudyFactory()]
    for study in studies:
        study.target_enrolment = 5
    bulk_update_with_history(studies, ["target_enrolment"], user=None, reason="Mål")
    assert set(
        Study.objects.filter(pk__in=[s.pk for s in studies]).values_list("version", flat=True)
    ) == {2}
    assert [s.version for s in studies] == [2, 2]


def test_update_with_history_changes_only_what_still_matches(reference_data):
    open_site = StudySiteFactory()
    planned = StudySiteFactory(status=StudySite.Status.PLANNED)
    count = update_with_history(
        StudySite.objects.filter(pk__in=[open_site.pk, planned.pk], status=StudySite.Status.OPEN),
        values={"status": StudySite.Status.CLOSED},
        user=None,
        reason="Stengt",
    )
    assert count == 1
    open_site.refresh_from_db()
    planned.refresh_from_db()
    assert (
        open_site.status == StudySite.Status.CLOSED and planned.status == StudySite.Status.PLANNED
    )
    assert open_site.history.latest().history_change_reason == "Stengt"
    assert planned.history.count() == 1


# Audited models refuse the bulk writes that would leave no history.


def _a_field(model) -> str:
    return next(
        f.name for f in model._meta.concrete_fields if not f.primary_key and not f.is_relation
    )


@pytest.mark.parametrize("model", audited_models(), ids=lambda m: m._meta.label)
def test_plain_update_and_bulk_update_are_refused_on_every_audited_model(model):
    """The consent ledger refuses even more: it is never updated, not even with history."""
    field = _a_field(model)
    for manager in (model._default_manager, model._base_manager):
        with pytest.raises(PermissionError):
            manager.filter(pk__in=[]).update(**{field: None})
        with pytest.raises(PermissionError):
            manager.bulk_update([], [field])


def test_the_refusal_names_the_helpers():
    with pytest.raises(AuditBypassError, match="save_with_history") as refused:
        Study.objects.filter(pk__in=[]).update(scientific_title="x")
    assert "bulk_update_with_history" in str(refused.value)


def test_a_related_manager_update_is_refused_too(reference_data):
    study = StudySiteFactory().study
    with pytest.raises(AuditBypassError):
        study.sites.update(status=StudySite.Status.CLOSED)
    assert set(study.sites.values_list("status", flat=True)) == {StudySite.Status.OPEN}


def test_the_helpers_still_update_audited_rows(reference_data):
    site = StudySiteFactory()
    update_with_history(
        StudySite.objects.filter(pk=site.pk),
        values={"status": StudySite.Status.CLOSED},
        user=None,
        reason="Stengt",
    )
    site.refresh_from_db()
    assert site.status == StudySite.Status.CLOSED


APP_PACKAGES = ("sites", "trials", "consents", "indicators", "config")
RAW_WRITE = re.compile(r"\b(UPDATE|DELETE\s+FROM|INSERT\s+INTO|TRUNCATE)\s+[\"'{\w]")


def test_application_code_writes_no_raw_sql():
    """Raw SQL would change rows without history: the application has none (migrations aside)."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for package in APP_PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts or path == root / "sites" / "history.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if RAW_WRITE.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert found == []


# Every clinical model is audited: history table, refusing managers (and, on PostgreSQL, the
# append-only trigger: tests/sites/test_history_postgres.py).

CLINICAL_MODELS = {
    "trials.Study",
    "trials.StudySite",
    "industry.Agreement",
    "industry.Milestone",
    "consents.Enrolment",
    "trials.Sponsor",
    "consents.Participant",
    "consents.ConsentEvent",
    "consents.ConsentForm",
    "consents.Reservation",
    "sites.Organisation",
    "sites.OrganisationCapacity",
}


def test_every_clinical_model_is_audited():
    assert CLINICAL_MODELS <= {model._meta.label for model in audited_models()}


@pytest.mark.parametrize("model", audited_models(), ids=lambda m: m._meta.label)
def test_every_audited_model_has_its_history_table_and_refusing_managers(model):
    tables = set(connection.introspection.table_names())
    assert set(history_tables(model)) <= tables
    assert isinstance(model._default_manager.all(), AuditedQuerySet)
    assert isinstance(model._base_manager.all(), AuditedQuerySet)
