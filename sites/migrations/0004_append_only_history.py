from django.db import migrations

from sites.history import protect_tables


class Migration(migrations.Migration):
    """On PostgreSQL the history tables refuse UPDATE and DELETE (a trigger; see sites.history)."""

    # Reviewed: creates a trigger function and triggers only; no data changes, nothing dropped.
    unsafe_reviewed = True

    dependencies = [
        ("sites", "0003_audited_managers"),
    ]

    operations = [
        protect_tables(
            "sites_historicalorganisation",
            "sites_historicalorganisationcapacity",
            "sites_historicaluserscope",
        ),
    ]
