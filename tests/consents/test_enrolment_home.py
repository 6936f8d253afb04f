"""Enrolments belong to ``consents``: ``trials`` never imports it when loaded, the tables keep their
names, and the move carries permissions and the admin log along (same content type row)."""

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from consents.models import Enrolment
from sites.history import history_tables
from trials.selectors.public import ENROLLED_STATUSES

ROOT = Path(__file__).resolve().parents[2]


def _module_level_imports(path: Path) -> list[str]:
    """Modules imported at the top level of a file (not inside a function or class)."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_trials_does_not_import_consents_when_loaded():
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "trials").rglob("*.py")
        if "migrations" not in path.parts
        for name in _module_level_imports(path)
        if name == "consents" or name.startswith("consents.")
    ]
    assert found == []


def test_the_enrolled_statuses_spelled_out_in_trials_are_the_enrolment_statuses():
    assert ENROLLED_STATUSES == (Enrolment.Status.INCLUDED, Enrolment.Status.COMPLETED)


def test_enrolments_keep_their_tables():
    assert Enrolment._meta.app_label == "consents"
    assert Enrolment._meta.db_table == "trials_enrolment"
    assert history_tables(Enrolment) == ["trials_historicalenrolment"]


@pytest.mark.django_db
def test_the_move_renames_the_content_types_so_permissions_follow():
    migration = importlib.import_module("consents.migrations.0006_enrolment_from_trials")
    content_type = ContentType.objects.get_for_model(Enrolment)
    permissions = set(Permission.objects.filter(content_type=content_type).values_list("pk"))
    assert permissions

    migration.backwards(apps, None)
    content_type.refresh_from_db()
    assert content_type.app_label == "trials"

    migration.forwards(apps, None)
    content_type.refresh_from_db()
    assert content_type.app_label == "consents"
    assert ContentType.objects.get_for_model(Enrolment).pk == content_type.pk
    assert set(Permission.objects.filter(content_type=content_type).values_list("pk")) == (
        permissions
    )
    history = ContentType.objects.get_for_model(Enrolment.history.model)
    assert history.app_label == "consents"
