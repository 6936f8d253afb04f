from django.db import migrations

from sites.history import protect_tables


class Migration(migrations.Migration):
    """On PostgreSQL the history tables refuse UPDATE and DELETE (a trigger; see sites.history)."""

    # Reviewed: creates a trigger function and triggers only; no data changes, nothing dropped.
    unsafe_reviewed = True

    dependencies = [
        ("sites", "0004_append_only_history"),
        ("trials", "0006_sponsor_history"),
    ]

    operations = [
        protect_tables(
            "trials_historicalagreement",
            "trials_historicalenrolment",
            "trials_historicalmilestone",
            "trials_historicalsponsor",
            "trials_historicalstudy",
            "trials_historicalstudy_hrcs_categories",
            "trials_historicalstudysite",
        ),
    ]
