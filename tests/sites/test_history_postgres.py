"""On PostgreSQL the history tables and the consent ledger refuse UPDATE and DELETE from the
application's own database connection, raw SQL included; only erasure rewrites history."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from consents import services as consent_services
from consents.models import ConsentEvent, ConsentForm
from sites.history import audited_models, history_rewrite, history_tables, protected_tables
from tests.consents.conftest import SYNTHETIC
from tests.factories import StudyFactory, StudySiteFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only triggers are PostgreSQL's; SQLite (the demo database) has none",
    ),
]


def _refused(sql: str, params: list) -> str:
    """Run ``sql`` as the application does and return the database's refusal."""
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return str(refused.value)


def test_every_history_table_and_the_ledger_carry_the_append_only_trigger():
    expected = {table for model in audited_models() for table in history_tables(model)}
    expected.add(ConsentEvent._meta.db_table)
    assert expected - protected_tables() == set()


def test_history_rows_cannot_be_updated_or_deleted(reference_data):
    study = StudyFactory(scientific_title="Opprinnelig tittel")
    table = study.history.model._meta.db_table
    update = f"UPDATE {table} SET scientific_title = %s WHERE id = %s"  # noqa: S608
    assert "append-only" in _refused(update, ["Skrevet om", study.pk])
    assert "append-only" in _refused(f"DELETE FROM {table} WHERE id = %s", [study.pk])  # noqa: S608
    assert list(study.history.values_list("scientific_title", flat=True)) == ["Opprinnelig tittel"]


def test_the_consent_ledger_cannot_be_rewritten(reference_data):
    site = StudySiteFactory()
    today = timezone.localdate()
    form = ConsentForm.objects.create(
        study=site.study, version_label="1", approved_on=today, effective_from=today
    )
    participant = consent_services.participant_register(national_id=SYNTHETIC[4])
    event = consent_services.consent_give(
        participant=participant,
        form=form,
        channel=ConsentEvent.Channel.DIGITAL,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    table = ConsentEvent._meta.db_table
    update = f"UPDATE {table} SET kind = 'withdrawn', scope = 'delete_data' WHERE id = %s"  # noqa: S608
    assert "append-only" in _refused(update, [event.pk])
    assert "append-only" in _refused(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    event.refresh_from_db()
    assert event.kind == ConsentEvent.Kind.GIVEN


def test_only_the_erasure_path_rewrites_history_and_only_inside_it(reference_data):
    study = StudyFactory(scientific_title="Før")
    table = study.history.model._meta.db_table
    update = f"UPDATE {table} SET scientific_title = %s WHERE id = %s"  # noqa: S608
    with transaction.atomic():
        with history_rewrite(why="test"):
            with connection.cursor() as cursor:
                cursor.execute(update, ["Etter", study.pk])
        assert "append-only" in _refused(update, ["Igjen", study.pk])
    assert study.history.get().scientific_title == "Etter"
