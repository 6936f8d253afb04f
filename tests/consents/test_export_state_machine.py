"""Property: whatever happens to consent, no withdrawn, reserved or erased person is ever in a
register export file on disk, and reconciliation agrees with what is there.

A Hypothesis state machine drives the services (never raw model writes) for four persons in a
study that requires consent (three at Helse Bergen, one alone at Helse Stavanger) who are also
in a registry study at Helse Førde: consent given (on time or stamped minutes early by another
system's clock), withdrawn with each scope, re-consent, back-dated events (refused), reservations
registered and lifted, a new consent form version (in force today or later), days passing,
enrolment, erasure, and the register export run again. It keeps its own model of who may be
exported, written from the rules in README ("Consent semantics", "Export to Norsk
pasientregister"), not from the selectors.

Every change is followed by the export re-run for the month, as before a delivery. Before the
re-run, reconciliation must see a difference exactly when the model says the files on disk are
no longer what the export would write (and name the person who should no longer be there);
after every step the files on disk hold exactly the persons the model expects, none withdrawn,
reserved against register export or erased, the files are the current batches' files and
reconciliation finds no difference.

The normal test run uses the small ``ci`` profile (15 examples of up to 12 steps, always the
same); ``make proof`` sets ``HYPOTHESIS_PROFILE=proof`` (1 000 random examples of up to 20 steps).
"""

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from consents import services
from consents.models import ConsentEvent, ConsentForm, Enrolment, ExportBatch, Participant
from consents.services.export import (
    DifferenceKind,
    participation_export,
    participation_export_reconcile,
)
from tests.conftest import FROZEN_NOW
from tests.factories import StudySiteFactory, hf
from trials.models import Study

from .conftest import SYNTHETIC

PROFILES = {
    "ci": settings(
        max_examples=15,
        stateful_step_count=12,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ),
    "proof": settings(
        max_examples=1000,
        stateful_step_count=20,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ),
}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

RUN = {"examples": 0, "steps": 0}  # what the test ran, for the line it prints

PEOPLE = 4
EXPORT_SCOPES = {"all", "register"}
SKEW_OK = dt.timedelta(minutes=5)  # within the ten minutes a clock may be behind
BACK_DATED = [dt.timedelta(minutes=11), dt.timedelta(days=1), None]  # None: to 1900


@dataclass
class Person:
    """What the model knows of one person (in the study that requires consent)."""

    participant_id: int
    number: str
    pseudonym: str  # as registered; erasure replaces it on the participant's row
    site: str  # "bergen" or "stavanger"
    consent: str | None = None  # None, "given", "withdrawn" or "erased"
    form: int | None = None  # the version consented on (index into the machine's forms)
    latest: dt.datetime | None = None  # the latest time recorded in the ledger for the study
    enrolled: bool = False  # an included enrolment
    reservations: set[str] = field(default_factory=set)
    erasure_due: bool = False
    erased: bool = False


class ExportMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.traveller = time_machine.travel(FROZEN_NOW, tick=True)
        self.clock = self.traveller.start()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.directory = Path(tempfile.mkdtemp(prefix="npr-export-"))
        self.period = f"{timezone.localdate():%Y-%m}"
        self.last_result = None

        bergen = StudySiteFactory()  # KBS: consent required
        self.study = bergen.study
        stavanger = StudySiteFactory(study=self.study, organisation=hf("Stavanger"))
        self.sites = {"bergen": bergen, "stavanger": stavanger}
        self.registry_site = StudySiteFactory(
            study__category=Study.Category.REGISTRY, organisation=hf("Førde")
        )
        first = self._form_save("1.0", timezone.localdate() - dt.timedelta(days=150))
        self.forms: list[tuple[ConsentForm, dt.date]] = [(first, first.effective_from)]
        self.people: list[Person] = []
        for i in range(PEOPLE):
            participant = services.participant_register(
                national_id=SYNTHETIC[i], birth_year=1960 + i
            )
            services.enrolment_create(
                participant=participant,
                site=self.registry_site,
                included_on=timezone.localdate() - dt.timedelta(days=10),
            )
            self.people.append(
                Person(
                    participant_id=participant.pk,
                    number=SYNTHETIC[i],
                    pseudonym=participant.pseudonym,
                    site="stavanger" if i == PEOPLE - 1 else "bergen",
                )
            )
        self._export()

    def teardown(self):
        RUN["examples"] += 1
        try:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        finally:
            self.traveller.stop()
            shutil.rmtree(self.directory, ignore_errors=True)

    # --- the model ----------------------------------------------------------------------------

    def _today(self) -> dt.date:
        return timezone.localdate()

    def _current_form(self) -> int:
        today = self._today()
        return max(i for i, (_form, effective) in enumerate(self.forms) if effective <= today)

    def _consent_valid(self, p: Person) -> bool:
        return p.consent == "given" and p.form == self._current_form()

    def _out(self, p: Person) -> bool:
        """Never in a file: reserved against register export, withdrawn from or erased."""
        return bool(p.reservations & EXPORT_SCOPES) or p.erasure_due or p.erased

    def _expected(self) -> dict[str, set[str]]:
        """File name → the export pseudonyms the export must write in it."""
        files: dict[str, set[str]] = {}

        def put(site, p: Person) -> None:
            name = f"participation-{self.period}-{site.organisation.orgnr}.jsonl"
            files.setdefault(name, set()).add(services.export_pseudonym_for(p.pseudonym))

        for p in self.people:
            if self._out(p):
                continue
            put(self.registry_site, p)  # no consent needed, and none recorded there
            if p.enrolled and self._consent_valid(p):
                put(self.sites[p.site], p)
        return files

    def _excluded(self) -> set[str]:
        """Export pseudonyms of persons in no file at all (reserved against register export,
        erased or to be erased), under the pseudonym they were registered with and the one their
        row has now."""
        out = set()
        for p in self.people:
            if self._out(p):
                row = Participant.objects.get(pk=p.participant_id).pseudonym
                out |= {
                    services.export_pseudonym_for(p.pseudonym),
                    services.export_pseudonym_for(row),
                }
        return out

    def _excluded_from_study(self) -> set[str]:
        """Those who may not be in the consent study's files: withdrawn, erased, or without valid
        consent on the version in force (a withdrawal from one study leaves the registry's file
        as it was)."""
        return {
            services.export_pseudonym_for(p.pseudonym)
            for p in self.people
            if p.consent in ("withdrawn", "erased") or not self._consent_valid(p)
        }

    # --- the system ---------------------------------------------------------------------------

    def _participant(self, p: Person) -> Participant:
        return Participant.objects.get(pk=p.participant_id)

    def _form_save(self, label: str, effective: dt.date) -> ConsentForm:
        return services.consent_form_save(
            form=ConsentForm(
                study=self.study,
                version_label=label,
                language="nb",
                approved_on=min(effective, self._today()),
                effective_from=effective,
                text=f"Samtykke, versjon {label}.",
            ),
            user=None,
            reason="Ny versjon.",
        )

    def _on_disk(self) -> dict[str, list[str]]:
        """Every data file under the export directory → the export pseudonyms in it."""
        found = {}
        for path in sorted(self.directory.rglob("*")):
            if not path.is_file() or path.name.endswith((".sha256", ".lock")):
                continue
            found[path.name] = [
                json.loads(line)["export_pseudonym"] for line in path.read_text().splitlines()
            ]
        return found

    def _export(self):
        self.last_result = participation_export(period=self.period, directory=self.directory)
        return self.last_result

    def _ledger_size(self, p: Person) -> int:
        return ConsentEvent.objects.filter(participant_id=p.participant_id).count()

    def _settle(self) -> None:
        """After a change: reconciliation sees it exactly when the files are no longer what the
        export would write; then the export runs again."""
        RUN["steps"] += 1
        expected = self._expected()
        on_disk = {name: set(pseudonyms) for name, pseudonyms in self._on_disk().items()}
        report = participation_export_reconcile(period=self.period, directory=self.directory)
        assert report.ok == (expected == on_disk), report.lines()
        gone = any(pseudonyms - expected.get(name, set()) for name, pseudonyms in on_disk.items())
        assert gone == (DifferenceKind.PERSON_NOT_EXPORTABLE in report.kinds()), report.lines()
        self._export()

    # --- rules --------------------------------------------------------------------------------

    @initialize(
        start=st.lists(
            st.sampled_from(["enrolled", "enrolled", "consented", "nothing"]),
            min_size=PEOPLE,
            max_size=PEOPLE,
        )
    )
    def start(self, start):
        """Where each person starts: consented a few days ago and enrolled, consented only, or
        not known to the study yet."""
        at = timezone.now() - dt.timedelta(days=3)
        for p, how in zip(self.people, start, strict=True):
            if how == "nothing":
                continue
            services.consent_give(
                participant=self._participant(p),
                form=self.forms[0][0],
                channel="digital",
                occurred_at=at,
            )
            p.consent, p.form, p.latest = "given", 0, at
            if how == "enrolled":
                services.enrolment_create(
                    participant=self._participant(p),
                    site=self.sites[p.site],
                    included_on=self._today() - dt.timedelta(days=2),
                )
                p.enrolled = True
        self._settle()

    @rule(i=st.integers(0, PEOPLE - 1), early=st.booleans())
    def give(self, i, early):
        p = self.people[i]
        at = timezone.now() - (SKEW_OK if early else dt.timedelta(0))
        current = self._current_form()
        form = self.forms[current][0]
        if p.erasure_due or p.erased:
            size = self._ledger_size(p)
            with pytest.raises(ValidationError):
                services.consent_give(
                    participant=self._participant(p), form=form, channel="digital", occurred_at=at
                )
            assert self._ledger_size(p) == size
        else:
            services.consent_give(
                participant=self._participant(p), form=form, channel="digital", occurred_at=at
            )
            if not (p.consent == "given" and p.form == current):
                p.consent, p.form, p.latest = "given", current, max(p.latest or at, at)
        self._settle()

    @rule(
        i=st.integers(0, PEOPLE - 1),
        scope=st.sampled_from(ConsentEvent.Scope.values),
        early=st.booleans(),
    )
    def withdraw(self, i, scope, early):
        p = self.people[i]
        at = timezone.now() - (SKEW_OK if early else dt.timedelta(0))
        if p.consent != "given" and not p.enrolled:
            size = self._ledger_size(p)
            with pytest.raises(ValidationError):
                services.consent_withdraw(
                    participant=self._participant(p), study=self.study, scope=scope, occurred_at=at
                )
            assert self._ledger_size(p) == size
        else:
            services.consent_withdraw(
                participant=self._participant(p), study=self.study, scope=scope, occurred_at=at
            )
            p.consent, p.enrolled, p.latest = "withdrawn", False, max(p.latest or at, at)
            if scope == ConsentEvent.Scope.DELETE_DATA:
                p.erasure_due = True
        self._settle()

    @precondition(lambda self: any(p.latest for p in self.people))
    @rule(
        i=st.integers(0, PEOPLE - 1),
        kind=st.sampled_from(["given", "withdrawn"]),
        back=st.sampled_from(BACK_DATED),
    )
    def back_dated(self, i, kind, back):
        """An event dated before the latest one recorded (beyond clock skew) is refused, and
        nothing is written: the person's state stays what the ledger said."""
        p = self.people[i]
        if p.latest is None:
            return
        at = p.latest - back if back else dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
        size = self._ledger_size(p)
        enrolments = list(
            Enrolment.objects.filter(participant_id=p.participant_id).values_list("pk", "status")
        )
        participant = self._participant(p)
        with pytest.raises(ValidationError) as refused:
            if kind == "given":
                services.consent_give(
                    participant=participant,
                    form=self.forms[self._current_form()][0],
                    channel="paper",
                    occurred_at=at,
                )
            else:
                services.consent_withdraw(
                    participant=participant,
                    study=self.study,
                    scope="stop_participation",
                    occurred_at=at,
                )
        would_be_accepted_now = (
            not (p.erasure_due or p.erased)
            if kind == "given"
            else (p.consent == "given" or p.enrolled)
        )
        if would_be_accepted_now:
            assert "occurred_at" in refused.value.message_dict, refused.value
        assert self._ledger_size(p) == size
        assert (
            list(
                Enrolment.objects.filter(participant_id=p.participant_id).values_list(
                    "pk", "status"
                )
            )
            == enrolments
        )
        self._settle()

    @rule(i=st.integers(0, PEOPLE - 1), scope=st.sampled_from(["all", "register", "recruitment"]))
    def reserve(self, i, scope):
        p = self.people[i]
        # As the registry does: by the number, which after erasure finds the row keeping the
        # reservations (or a new one), never the erased row.
        participant = services.participant_register(national_id=p.number)
        services.reservation_register(
            participant=participant, scope=scope, registered_at=timezone.now()
        )
        p.reservations.add(scope)
        self._settle()

    @precondition(lambda self: any(p.reservations for p in self.people))
    @rule(i=st.integers(0, PEOPLE - 1), data=st.data())
    def lift(self, i, data):
        p = self.people[i]
        if not p.reservations:
            return
        scope = data.draw(st.sampled_from(sorted(p.reservations)))
        participant = Participant.objects.get(pseudonym=p.pseudonym)
        services.reservation_lift(
            participant=participant, scope=scope, lifted_at=timezone.now(), reason="Opphevet."
        )
        p.reservations.discard(scope)
        self._settle()

    @precondition(lambda self: len(self.forms) < 5)
    @rule(delay=st.integers(0, 2))
    def new_form_version(self, delay):
        """A new version, in force today or in a day or two; consents on older versions then
        need re-consent (no effective date is shared by two versions)."""
        effective = max(
            self._today() + dt.timedelta(days=delay), self.forms[-1][1] + dt.timedelta(days=1)
        )
        form = self._form_save(f"{len(self.forms) + 1}.0", effective)
        self.forms.append((form, effective))
        self._settle()

    @precondition(lambda self: timezone.localdate().day < 28)
    @rule(days=st.integers(1, 2))
    def days_pass(self, days):
        """Days pass within the month: a version dated ahead comes into force."""
        self.clock.shift(dt.timedelta(days=days))
        assert f"{self._today():%Y-%m}" == self.period
        self._settle()

    @rule(i=st.integers(0, PEOPLE - 1))
    def enrol(self, i):
        p = self.people[i]
        accepted = self._consent_valid(p) and not p.enrolled and not (p.erasure_due or p.erased)
        call = lambda: services.enrolment_create(  # noqa: E731
            participant=self._participant(p),
            site=self.sites[p.site],
            included_on=self._today(),
        )
        if accepted:
            call()
            p.enrolled = True
        else:
            with pytest.raises(ValidationError):
                call()
        self._settle()

    @precondition(lambda self: any(p.erasure_due and not p.erased for p in self.people))
    @rule()
    def erase(self):
        due = [p for p in self.people if p.erasure_due and not p.erased]
        erased = services.participant_erase_due(
            today=self._today() + dt.timedelta(days=django_settings.CONSENT_ERASURE_DAYS)
        )
        assert erased == len(due)
        now = timezone.now()
        for p in due:
            p.erased, p.consent, p.latest = True, "erased", now
            assert self._participant(p).pseudonym != p.pseudonym
        self._settle()

    @rule()
    def export_again(self):
        """A run with nothing changed keeps every batch, file and byte."""
        RUN["steps"] += 1
        before = self.last_result
        after = self._export()
        assert after.files == before.files
        assert after.new_batches == after.superseded == after.removed == []

    # --- after every step -----------------------------------------------------------------------

    @invariant()
    def nobody_leaves_who_may_not(self):
        on_disk = self._on_disk()
        everyone = {pseudonym for pseudonyms in on_disk.values() for pseudonym in pseudonyms}
        assert not everyone & self._excluded()
        study_files = {
            f"participation-{self.period}-{site.organisation.orgnr}.jsonl"
            for site in self.sites.values()
        }
        for name in study_files & on_disk.keys():
            assert not set(on_disk[name]) & self._excluded_from_study(), name
        for name, pseudonyms in on_disk.items():
            assert len(pseudonyms) == len(set(pseudonyms)), name
        assert {name: set(p) for name, p in on_disk.items()} == self._expected()

    @invariant()
    def the_files_on_disk_are_the_current_batches(self):
        folder = self.directory / self.period
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        batches = ExportBatch.objects.filter(period=self.period, status=ExportBatch.Status.CURRENT)
        assert names == sorted(n for b in batches for n in (b.file_name, b.file_name + ".sha256"))
        assert len(self.last_result.files) == len(batches) == len(names) // 2
        assert sorted(Path(p).name for p in self.last_result.files) == sorted(
            b.file_name for b in batches
        )

    @invariant()
    def reconciliation_finds_no_difference(self):
        report = participation_export_reconcile(period=self.period, directory=self.directory)
        assert report.ok, report.lines()


@pytest.mark.django_db
def test_no_withdrawn_reserved_or_erased_person_is_ever_in_an_export_file(reference_data, capsys):
    chosen = PROFILES.get(PROFILE, PROFILES["ci"])
    RUN.update(examples=0, steps=0)
    started = time.monotonic()
    run_state_machine_as_test(ExportMachine, settings=chosen)
    elapsed = time.monotonic() - started
    assert RUN["examples"] >= chosen.max_examples
    with capsys.disabled():
        sys.stdout.write(
            f"\nexport state machine, profile {PROFILE}: {RUN['examples']} examples, "
            f"{RUN['steps']} steps, {elapsed:.0f} s\n"
        )
