from django.db import migrations

from sites.history import protect_tables


class Migration(migrations.Migration):
    """On PostgreSQL the history tables and the consent ledger refuse UPDATE and DELETE (a
    trigger; see sites.history)."""

    # Reviewed: creates a trigger function and triggers only; no data changes, nothing dropped.
    unsafe_reviewed = True

    dependencies = [
        ("sites", "0004_append_only_history"),
        ("consents", "0003_clinical_history"),
    ]

    operations = [
        protect_tables(
            "consents_consentevent",
            "consents_historicalconsentevent",
            "consents_historicalconsentform",
            "consents_historicalparticipant",
            "consents_historicalreservation",
        ),
    ]
