"""Health-trust roll-up, worked out by hand: hospitals count in the HF they belong to, a private
non-profit hospital stands on its own, an RHF-level unit has no trust; people are counted once per
trust even when they take part at two of its hospitals. Then the league table of health trusts."""

import datetime as dt

import pytest
from django.db.models import Q

from consents.models import Enrolment, Participant
from indicators import services
from indicators.catalogue import CATALOGUE
from indicators.periods import Period
from sites.models import Organisation
from sites.selectors import organisation_health_trust
from tests.factories import StudyFactory, StudySiteFactory, hf

OCTOBER = Period.month(2026, 10)
D = dt.date
OCT_5 = D(2026, 10, 5)


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


@pytest.fixture
def hospitals(reference_data):
    bergen_hf, stavanger_hf = hf("Bergen"), hf("Stavanger")
    haukeland = _org("Haukeland universitetssjukehus")
    voss = _org("Voss sjukehus")
    sus = _org("Stavanger universitetssjukehus")
    haraldsplass = _org("Haraldsplass Diakonale Sykehus AS")
    rhf = Organisation.objects.get(kind=Organisation.Kind.RHF, name__icontains="Vest")
    k = StudyFactory(responsible_organisation=bergen_hf, rek_approved_on=D(2026, 1, 5))
    other = StudyFactory(responsible_organisation=bergen_hf, rek_approved_on=D(2026, 1, 5))
    on = D(2026, 1, 10)
    sites = {
        org.name: StudySiteFactory(study=k, organisation=org, activated_on=on)
        for org in (haukeland, voss, sus, haraldsplass, bergen_hf, rhf)
    }
    voss_other = StudySiteFactory(study=other, organisation=voss, activated_on=on)
    people = [Participant.objects.create(pseudonym=f"trust-{i}") for i in range(7)]

    def enrol(person, site, day=OCT_5):
        Enrolment.objects.create(
            participant=person, study=site.study, site=site, included_on=day, status="included"
        )

    # q0 at Haukeland (study K) and at Voss (another study): two hospitals of Helse Bergen.
    enrol(people[0], sites[haukeland.name])
    enrol(people[0], voss_other)
    enrol(people[1], sites[voss.name])
    enrol(people[2], sites[bergen_hf.name])  # a site registered on the HF itself
    enrol(people[3], sites[sus.name])
    enrol(people[4], sites[haraldsplass.name])
    enrol(people[5], sites[rhf.name])  # an RHF-level unit: counts in the region, no trust
    enrol(people[6], sites[haukeland.name], day=D(2026, 8, 1))  # running, not new in October
    return {
        "bergen": bergen_hf,
        "stavanger": stavanger_hf,
        "haukeland": haukeland,
        "voss": voss,
        "sus": sus,
        "haraldsplass": haraldsplass,
        "study": k,
    }


def _values(code: str) -> dict[str, float]:
    return {
        row.scope_key: float(row.value)
        for row in CATALOGUE[code].compute(OCTOBER)
        if row.breakdown == "" and row.value is not None
    }


@pytest.mark.django_db
def test_the_health_trust_of_each_kind_of_unit(hospitals):
    trust = dict(
        Organisation.objects.filter(
            Q(kind__in=["hf", "hospital", "private_nonprofit", "rhf", "support"])
        )
        .annotate(trust=organisation_health_trust())
        .values_list("name", "trust")
    )
    assert trust["Haukeland universitetssjukehus"] == hospitals["bergen"].pk
    assert trust["Voss sjukehus"] == hospitals["bergen"].pk
    assert trust["Helse Bergen HF"] == hospitals["bergen"].pk
    assert trust["Stavanger universitetssjukehus"] == hospitals["stavanger"].pk
    assert trust["Haraldsplass Diakonale Sykehus AS"] == hospitals["haraldsplass"].pk
    assert trust["Helse Vest RHF"] is None and trust["Helse Vest IKT AS"] is None


@pytest.mark.django_db
def test_hospitals_roll_up_to_their_health_trust_counting_people_once(hospitals):
    h = {k: o.pk for k, o in hospitals.items() if k != "study"}
    active = _values("participants-active")
    # Organisation level: each unit on its own.
    assert active[f"org:{h['haukeland']}"] == 2  # q0, q6
    assert active[f"org:{h['voss']}"] == 2  # q0 (other study), q1
    assert active[f"org:{h['bergen']}"] == 1  # q2
    # Helse Bergen HF with its hospitals: q0, q1, q2, q6 = 4, not 2 + 2 + 1 = 5 (q0 twice).
    assert active[f"hf:{h['bergen']}"] == 4
    assert active[f"hf:{h['stavanger']}"] == 1  # q3 at Stavanger universitetssjukehus
    assert active[f"hf:{h['haraldsplass']}"] == 1  # q4: a private non-profit stands alone
    # The RHF-level unit has no trust; the region counts everyone (q0–q6).
    assert {k for k in active if k.startswith("hf:")} == {
        f"hf:{h['bergen']}",
        f"hf:{h['stavanger']}",
        f"hf:{h['haraldsplass']}",
    }
    assert active[f"region:{hospitals['bergen'].region_id}"] == 7
    # Enrolments (not people) add up: Helse Bergen has 5 (q0 twice, q1, q2, q6).
    assert _values("enrolment-activity")[f"hf:{h['bergen']}"] == 5
    # New in October: q6 was included in August.
    assert _values("participants-included")[f"hf:{h['bergen']}"] == 3


@pytest.mark.django_db
def test_a_league_table_of_health_trusts(hospitals, coordinator_vest, coordinator_nord, client):
    services.snapshots_compute(period=OCTOBER)
    client.force_login(coordinator_vest)
    page = client.get("/admin/indicators/indicator/liga/?period=2026-10&niva=hf").content.decode()
    table = page[page.index('<table id="league"') :]
    names = ["Helse Bergen HF", "Helse Stavanger HF", "Haraldsplass Diakonale Sykehus AS"]
    positions = [table.index(n) for n in names]
    assert positions[0] == min(positions)  # by new participants: Bergen 3, the others 1
    assert "Haukeland universitetssjukehus" not in table  # a hospital is inside its HF
    assert f"scope=hf:{hospitals['bergen'].pk}" in table
    organisations = client.get("/admin/indicators/indicator/liga/?period=2026-10").content
    assert "Haukeland universitetssjukehus" in organisations.decode()

    bergen = client.get(
        f"/admin/indicators/indicator/oversikt/?period=2026-10&scope=hf:{hospitals['bergen'].pk}"
    )
    assert bergen.status_code == 200 and "med sykehusene under" in bergen.content.decode()
    # The drill-down behind the trust's number lists the study run at its hospitals.
    drill = client.get(
        "/admin/indicators/indicator/studier/participants-active/"
        f"?period=2026-10&scope=hf:{hospitals['bergen'].pk}"
    )
    assert hospitals["study"].scientific_title in drill.content.decode()

    client.force_login(coordinator_nord)
    assert (
        client.get(
            f"/admin/indicators/indicator/oversikt/?period=2026-10&scope=hf:{hospitals['bergen'].pk}"
        ).status_code
        == 403
    )
    league = client.get("/admin/indicators/indicator/liga/?period=2026-10&niva=hf").content
    assert "Helse Bergen HF" not in league.decode()


@pytest.mark.django_db
def test_the_public_api_gives_a_health_trusts_values(hospitals, client):
    services.snapshots_compute(period=OCTOBER)
    response = client.get(
        "/api/v1/indicators/enrolment-activity/values/",
        {"period": "2026-10", "health_trust": hospitals["bergen"].orgnr},
    )
    assert response.status_code == 200
    [total] = [v for v in response.json()["results"] if v["breakdown"] == ""]
    assert total["value"] == "5"
