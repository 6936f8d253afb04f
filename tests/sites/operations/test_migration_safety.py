"""Migrations must be safe to apply while the old code still runs (several web processes, rolling
deploys): no dropped or renamed columns or tables, no raw SQL, no data migrations, and a new
NOT NULL column needs a default."""

import pytest
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

LOCAL_APPS = {"accounts", "ops", "sites", "trials", "consents", "indicators"}
UNSAFE = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.RunSQL,
    migrations.RunPython,
)


def _operations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app in LOCAL_APPS:
            for operation in migration.operations:
                yield f"{app}.{name}", migration, operation


def test_no_migration_drops_renames_or_runs_code():
    unsafe = [
        f"{where}: {type(op).__name__}"
        for where, migration, op in _operations()
        if isinstance(op, UNSAFE) and not getattr(migration, "unsafe_reviewed", False)
    ]
    assert not unsafe, (
        "unsafe migration operations (set unsafe_reviewed = True after review): "
        + ", ".join(unsafe)
    )


@pytest.mark.parametrize("kind", [migrations.AddField])
def test_new_columns_on_existing_tables_are_nullable_or_have_a_default(kind):
    created = {
        (where.split(".")[0], op.name.lower())
        for where, _, op in _operations()
        if isinstance(op, migrations.CreateModel)
    }
    risky = []
    for where, migration, op in _operations():
        if not isinstance(op, kind) or getattr(migration, "unsafe_reviewed", False):
            continue
        field = op.field
        if getattr(migration, "initial", False):
            continue
        if not (
            field.null
            or field.has_default()
            or field.many_to_many
            or getattr(field, "db_default", None) is not None
        ):
            risky.append(f"{where}: {op.model_name}.{op.name}")
    assert not risky, "NOT NULL column without a default: " + ", ".join(risky)
    assert created  # the scan sees the project's migrations
