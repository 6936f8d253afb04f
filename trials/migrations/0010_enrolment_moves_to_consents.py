from django.db import migrations


class Migration(migrations.Migration):
    """Enrolments now belong to ``consents`` (see consents 0006): only Django's picture of the models
    changes here. The tables ``trials_enrolment`` and ``trials_historicalenrolment``, their rows,
    indexes, constraints and the append-only trigger stay exactly as they are."""

    # Reviewed: state only (database_operations is empty); nothing is dropped or renamed.
    unsafe_reviewed = True

    dependencies = [
        ("trials", "0009_study_date_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="historicalenrolment", name="history_user"),
                migrations.RemoveField(model_name="historicalenrolment", name="participant"),
                migrations.RemoveField(model_name="historicalenrolment", name="site"),
                migrations.RemoveField(model_name="historicalenrolment", name="study"),
                migrations.DeleteModel(name="Enrolment"),
                migrations.DeleteModel(name="HistoricalEnrolment"),
            ],
        ),
    ]
