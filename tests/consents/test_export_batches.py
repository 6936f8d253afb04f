"""The register export as reconciled batches: one batch per period and organisation with its id,
row count, checksum and rules version in the database; a re-run supersedes what changed and
leaves no file on disk that it no longer produces; ``reconcile_participation_export`` finds every
kind of difference between the batches, the files on disk and what the export would write now."""

import datetime as dt
import hashlib
import json
import os
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from consents import services, tasks
from consents.models import ConsentForm, Enrolment, ExportBatch
from consents.services import export as export_module
from consents.services.export import (
    EXPORT_RULES_VERSION,
    DifferenceKind,
    participation_export,
    participation_export_reconcile,
)
from sites.models import UserScope
from sites.roles import user_scope_assign
from tests.factories import StudySiteFactory, hf
from trials.models import Study

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db


def _period() -> str:
    return f"{timezone.localdate():%Y-%m}"


@pytest.fixture
def registry(frozen_now, reference_data):
    """A registry study (no consent needed): four persons at Bergen, one alone at Stavanger."""
    bergen = StudySiteFactory(study__category=Study.Category.REGISTRY)
    stavanger = StudySiteFactory(study=bergen.study, organisation=hf("Stavanger"))
    people = []
    for i, number in enumerate(SYNTHETIC):
        participant = services.participant_register(national_id=number, birth_year=1960 + i)
        services.enrolment_create(
            participant=participant,
            site=stavanger if i == 4 else bergen,
            included_on=timezone.localdate().replace(day=1),
        )
        people.append(participant)
    return {"bergen": bergen, "stavanger": stavanger, "people": people, "alone": people[4]}


def _on_disk(directory: Path, period: str) -> list[str]:
    folder = directory / period
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _exported(directory: Path) -> set[str]:
    """Every export pseudonym in every file on disk, whatever its name."""
    found = set()
    for path in directory.rglob("*"):
        if path.is_file() and not path.name.endswith((".sha256", ".lock")):
            for line in path.read_text().splitlines():
                found.add(json.loads(line)["export_pseudonym"])
    return found


def _export_pseudonym(participant) -> str:
    return services.export_pseudonym_for(participant.pseudonym)


# --- the batch record -----------------------------------------------------------------------------


def test_each_file_is_a_batch_with_id_row_count_checksum_and_rules_version_in_the_database(
    registry, tmp_path
):
    result = participation_export(period=_period(), directory=tmp_path)

    batches = ExportBatch.objects.filter(period=_period()).order_by("row_count")
    assert [b.row_count for b in batches] == [1, 4]
    for batch in batches:
        path = tmp_path / _period() / batch.file_name
        data = path.read_bytes()
        assert isinstance(batch.batch_id, uuid.UUID)
        assert batch.sha256 == hashlib.sha256(data).hexdigest() == result.files[str(path)]
        assert batch.row_count == len(data.splitlines())
        assert batch.rules_version == EXPORT_RULES_VERSION
        assert batch.status == ExportBatch.Status.CURRENT
        assert batch.created_at <= batch.sent_at <= timezone.now()
        assert batch.file_name == f"participation-{_period()}-{batch.organisation.orgnr}.jsonl"
        assert (path.parent / (batch.file_name + ".sha256")).read_text().split()[0] == batch.sha256
    assert {b.organisation for b in batches} == {
        registry["bergen"].organisation,
        registry["stavanger"].organisation,
    }
    assert sorted(result.new_batches) == sorted(str(b.batch_id) for b in batches)


def test_the_same_data_again_keeps_the_batches_and_their_ids(registry, tmp_path):
    first = participation_export(period=_period(), directory=tmp_path)
    second = participation_export(period=_period(), directory=tmp_path)

    assert second.files == first.files
    assert second.new_batches == [] and second.superseded == [] and second.removed == []
    assert {b.batch_id for b in second.batches} == {b.batch_id for b in first.batches}
    assert ExportBatch.objects.count() == 2


def test_the_only_person_at_an_organisation_reserved_leaves_no_file_behind(registry, tmp_path):
    """The finding: the old file and its .sha256 stayed on disk with the reserved person in it,
    and the run reported one file less than there were on disk."""
    period = _period()
    participation_export(period=period, directory=tmp_path)
    stavanger_file = f"participation-{period}-{registry['stavanger'].organisation.orgnr}.jsonl"
    assert stavanger_file in _on_disk(tmp_path, period)
    old = ExportBatch.objects.get(file_name=stavanger_file)

    services.reservation_register(
        participant=registry["alone"], scope="all", registered_at=timezone.now()
    )
    result = participation_export(period=period, directory=tmp_path)

    on_disk = _on_disk(tmp_path, period)
    assert stavanger_file not in on_disk and stavanger_file + ".sha256" not in on_disk
    assert len(result.files) == len([n for n in on_disk if n.endswith(".jsonl")]) == 1
    assert sorted(on_disk) == sorted(
        n for path in result.files for n in (Path(path).name, Path(path).name + ".sha256")
    )
    assert _export_pseudonym(registry["alone"]) not in _exported(tmp_path)
    old.refresh_from_db()
    assert old.status == ExportBatch.Status.SUPERSEDED and old.superseded_by is None
    assert old.superseded_at is not None and str(old.batch_id) in result.superseded
    assert sorted(result.removed) == sorted(
        str(tmp_path / period / n) for n in (stavanger_file, stavanger_file + ".sha256")
    )
    assert participation_export_reconcile(period=period, directory=tmp_path).ok


def test_a_change_supersedes_that_organisations_batch_and_keeps_the_others(registry, tmp_path):
    period = _period()
    first = participation_export(period=period, directory=tmp_path)
    bergen_before = ExportBatch.objects.get(organisation=registry["bergen"].organisation)
    stavanger_before = ExportBatch.objects.get(organisation=registry["stavanger"].organisation)

    services.reservation_register(
        participant=registry["people"][0], scope="register", registered_at=timezone.now()
    )
    second = participation_export(period=period, directory=tmp_path)

    bergen_before.refresh_from_db()
    bergen_now = ExportBatch.objects.get(
        organisation=registry["bergen"].organisation, status=ExportBatch.Status.CURRENT
    )
    assert bergen_before.status == ExportBatch.Status.SUPERSEDED
    assert bergen_before.superseded_by == bergen_now and bergen_now.row_count == 3
    assert second.new_batches == [str(bergen_now.batch_id)]
    assert second.superseded == [str(bergen_before.batch_id)]
    assert ExportBatch.objects.get(pk=stavanger_before.pk).status == ExportBatch.Status.CURRENT
    assert second.rows == first.rows - 1 and second.removed == []
    assert _export_pseudonym(registry["people"][0]) not in _exported(tmp_path)


def test_the_export_follows_the_consent_ledger_not_the_enrolment_status(
    frozen_now, site, consent_form, tmp_path
):
    """An enrolment still 'included' whose consent was given on a replaced form version is left
    out (the selector reads the ledger), and reconciliation sees the old file name the person."""
    participant = services.participant_register(national_id=SYNTHETIC[0], birth_year=1970)
    services.consent_give(
        participant=participant,
        form=consent_form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=2),
    )
    enrolment = services.enrolment_create(
        participant=participant, site=site, included_on=timezone.localdate()
    )
    participation_export(period=_period(), directory=tmp_path)
    assert _export_pseudonym(participant) in _exported(tmp_path)

    ConsentForm.objects.create(
        study=site.study,
        version_label="2.0",
        language="nb",
        approved_on=timezone.localdate(),
        effective_from=timezone.localdate(),
    )
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.INCLUDED
    report = participation_export_reconcile(period=_period(), directory=tmp_path)
    assert {DifferenceKind.STALE_BATCH, DifferenceKind.PERSON_NOT_EXPORTABLE} <= report.kinds()

    result = participation_export(period=_period(), directory=tmp_path)
    assert result.rows == 0 and result.files == {}
    assert _exported(tmp_path) == set() and _on_disk(tmp_path, _period()) == []
    assert participation_export_reconcile(period=_period(), directory=tmp_path).ok


# --- writing ---------------------------------------------------------------------------------------


def test_a_run_that_fails_while_writing_leaves_the_files_and_batches_as_they_were(
    registry, tmp_path, monkeypatch
):
    period = _period()
    participation_export(period=period, directory=tmp_path)
    before = {n: (tmp_path / period / n).read_bytes() for n in _on_disk(tmp_path, period)}
    batches = set(ExportBatch.objects.values_list("batch_id", "status"))
    services.reservation_register(
        participant=registry["people"][0], scope="all", registered_at=timezone.now()
    )
    real_line, written = export_module._line, []

    def failing_line(key, row):
        if len(written) == 2:
            raise OSError("disk full")
        written.append(row)
        return real_line(key, row)

    monkeypatch.setattr(export_module, "_line", failing_line)
    with pytest.raises(OSError):
        participation_export(period=period, directory=tmp_path)

    assert {n: (tmp_path / period / n).read_bytes() for n in _on_disk(tmp_path, period)} == before
    assert set(ExportBatch.objects.values_list("batch_id", "status")) == batches


def test_files_are_written_to_a_temporary_file_fsynced_and_renamed(registry, tmp_path, monkeypatch):
    synced, replaced = [], []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self") else fd)
        return real_fsync(fd)

    def replace(src, dst):
        replaced.append((Path(src), Path(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(export_module.os, "fsync", fsync)
    monkeypatch.setattr(export_module.os, "replace", replace)
    result = participation_export(period=_period(), directory=tmp_path)

    targets = {dst for _src, dst in replaced}
    for path in result.files:
        assert Path(path) in targets and Path(path + ".sha256") in targets
    for src, dst in replaced:
        assert src.parent == dst.parent and src.name.startswith("." + dst.name)
        assert not src.exists()
    if os.path.exists("/proc/self"):
        for src, _dst in replaced:
            assert str(src) in synced  # the data reached the disk before the rename
        assert str(tmp_path / _period()) in synced  # and so did the rename


def test_files_of_older_runs_and_leftover_temporary_files_are_removed(registry, tmp_path):
    period = _period()
    folder = tmp_path / period
    folder.mkdir(parents=True)
    old = folder / f"participation-{period}-999999999.jsonl"
    old.write_text('{"export_pseudonym": "' + "a" * 64 + '"}\n')
    (folder / (old.name + ".sha256")).write_text("x  y\n")
    leftover = folder / f".participation-{period}-974116804.jsonl.0123abcd.tmp"
    leftover.write_text("half a file")
    unrelated = folder / "README.txt"
    unrelated.write_text("not ours")

    result = participation_export(period=period, directory=tmp_path)

    assert not old.exists() and not leftover.exists()
    assert unrelated.exists()  # not a file the export writes: reconciliation reports it
    assert len(result.removed) == 3
    report = participation_export_reconcile(period=period, directory=tmp_path)
    assert [(d.kind, d.file_name) for d in report.differences] == [
        (DifferenceKind.STRAY_FILE, "README.txt")
    ]


# --- reconciliation ---------------------------------------------------------------------------------


def _reconcile(tmp_path) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command(
            "reconcile_participation_export",
            "--period",
            _period(),
            "--directory",
            str(tmp_path),
            stdout=out,
        )
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def exported(registry, tmp_path):
    participation_export(period=_period(), directory=tmp_path)
    return registry


def _bergen(exported) -> ExportBatch:
    return ExportBatch.objects.get(organisation=exported["bergen"].organisation)


def test_reconcile_after_a_run_finds_no_difference(exported, tmp_path):
    code, out = _reconcile(tmp_path)
    assert code == 0, out
    assert "Ingen avvik / no differences" in out
    assert "2 gjeldende batcher / current batches, 4 filer på disk" in out


def test_reconcile_reports_a_missing_file(exported, tmp_path):
    (tmp_path / _period() / _bergen(exported).file_name).unlink()
    code, out = _reconcile(tmp_path)
    assert code == 1
    assert f"[missing_file] {_bergen(exported).file_name}: filen til batch" in out
    assert "is missing on disk" in out and "1 avvik / differences" in out


def test_reconcile_reports_a_checksum_mismatch(exported, tmp_path):
    path = tmp_path / _period() / _bergen(exported).file_name
    path.write_bytes(path.read_bytes().replace(b'"included"', b'"complete"'))
    code, out = _reconcile(tmp_path)
    assert code == 1
    assert f"[checksum_mismatch] {path.name}: sjekksummen på disk er" in out
    assert "row_count_mismatch" not in out


def test_reconcile_reports_a_checksum_file_that_does_not_match(exported, tmp_path):
    sidecar = tmp_path / _period() / (_bergen(exported).file_name + ".sha256")
    sidecar.write_text("0" * 64 + "  x\n")
    code, out = _reconcile(tmp_path)
    assert code == 1 and f"[checksum_mismatch] {sidecar.name}" in out


def test_reconcile_reports_a_row_count_mismatch(exported, tmp_path):
    batch = _bergen(exported)
    ExportBatch.objects.filter(pk=batch.pk).update(row_count=batch.row_count + 1)
    code, out = _reconcile(tmp_path)
    assert code == 1
    assert f"[row_count_mismatch] {batch.file_name}: 4 rader på disk, batchen har 5" in out
    assert "checksum_mismatch" not in out


def test_reconcile_reports_a_person_who_should_no_longer_be_there(exported, tmp_path):
    services.reservation_register(
        participant=exported["people"][2], scope="register", registered_at=timezone.now()
    )
    code, out = _reconcile(tmp_path)
    assert code == 1
    name = _bergen(exported).file_name
    assert f"[person_not_exportable] {name}: 1 personer som ikke lenger skal eksporteres" in out
    assert f"[stale_batch] {name}: eksporten ville nå skrevet den annerledes: 3 rader" in out
    assert _export_pseudonym(exported["people"][2]) not in out  # the report names no person


def test_reconcile_reports_a_batch_the_export_would_no_longer_write(exported, tmp_path):
    services.reservation_register(
        participant=exported["alone"], scope="all", registered_at=timezone.now()
    )
    code, out = _reconcile(tmp_path)
    assert code == 1
    name = f"participation-{_period()}-{exported['stavanger'].organisation.orgnr}.jsonl"
    assert f"[stale_batch] {name}: eksporten ville nå ikke laget denne filen" in out
    assert f"[person_not_exportable] {name}: 1 personer" in out


def test_reconcile_reports_a_stray_file(exported, tmp_path):
    stray = tmp_path / _period() / f"participation-{_period()}-999999999.jsonl"
    stray.write_text(
        json.dumps({"export_pseudonym": _export_pseudonym(exported["people"][0])}) + "\n"
    )
    code, out = _reconcile(tmp_path)
    assert code == 1
    assert f"[stray_file] {stray.name}: filen hører ikke til noen gjeldende batch" in out
    # Nobody belongs in a file the export would not write.
    assert f"[person_not_exportable] {stray.name}: 1 personer" in out


def test_reconcile_reports_a_file_the_export_would_write_without_a_batch(exported, tmp_path):
    trondheim = StudySiteFactory(
        study__category=Study.Category.REGISTRY, organisation=hf("St. Olav")
    )
    services.enrolment_create(
        participant=exported["people"][0], site=trondheim, included_on=timezone.localdate()
    )
    code, out = _reconcile(tmp_path)
    assert code == 1
    name = f"participation-{_period()}-{trondheim.organisation.orgnr}.jsonl"
    assert f"[batch_missing] {name}: eksporten ville nå skrevet 1 rader" in out
    assert out.count("[") == 1, out


def test_reconcile_reports_batches_made_by_other_rules(exported, tmp_path):
    ExportBatch.objects.update(rules_version="2026-01")
    code, out = _reconcile(tmp_path)
    assert code == 1 and out.count("[rules_version]") == 2
    assert f"etter reglene 2026-01, gjeldende er {EXPORT_RULES_VERSION}" in out


def test_reconcile_refuses_a_malformed_period(tmp_path):
    with pytest.raises(CommandError, match="2026-10"):
        call_command("reconcile_participation_export", "--period", "2026-1")


# --- the command, the monthly task and the admin ------------------------------------------------


def test_the_command_names_batches_and_removed_files(registry, tmp_path, settings, capsys):
    settings.PARTICIPATION_EXPORT_DIR = tmp_path
    call_command("export_participation", "--period", _period())
    services.reservation_register(
        participant=registry["alone"], scope="all", registered_at=timezone.now()
    )
    call_command("export_participation", "--period", _period())
    out = capsys.readouterr().out.splitlines()
    batch = ExportBatch.objects.get(status=ExportBatch.Status.CURRENT)
    assert any(line.endswith(f"batch {batch.batch_id}") for line in out)
    assert sum(line.startswith("fjernet / removed") for line in out) == 2
    assert out[-1] == (
        f"4 rader i 1 filer for {_period()}: 0 nye batcher, 1 erstattet, 2 filer fjernet."
    )


def test_the_monthly_task_reconciles_after_the_run(registry, tmp_path, settings):
    settings.PARTICIPATION_EXPORT_DIR = tmp_path
    result = tasks.export_participation_monthly.apply(args=[_period()]).get()
    assert result["differences"] == 0 and result["rows"] == 5
    assert sorted(result["batches"]) == sorted(
        str(b) for b in ExportBatch.objects.values_list("batch_id", flat=True)
    )


def test_batches_are_read_only_for_national_administrators_and_hidden_from_others(
    exported, client, coordinator_vest
):
    batch = _bergen(exported)
    national = get_user_model().objects.create_user(
        username="nasjonal", password="pw-for-tests-only-1", is_staff=True
    )
    user_scope_assign(user=national, role=UserScope.Role.NATIONAL_ADMIN)
    change_url = reverse("admin:consents_exportbatch_change", args=[batch.pk])

    client.force_login(national)
    response = client.get(reverse("admin:consents_exportbatch_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == 2
    page = client.get(change_url)
    assert page.status_code == 200 and batch.sha256 in page.content.decode()
    assert client.post(change_url, {"row_count": 0}).status_code == 403
    assert client.get(reverse("admin:consents_exportbatch_add")).status_code == 403
    assert (
        client.get(reverse("admin:consents_exportbatch_delete", args=[batch.pk])).status_code == 403
    )

    client.force_login(coordinator_vest)
    assert client.get(reverse("admin:consents_exportbatch_changelist")).status_code == 403
    assert client.get(change_url).status_code in (403, 404)
