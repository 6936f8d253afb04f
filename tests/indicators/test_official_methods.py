"""The plan's indicators by the official methods, each worked out by hand on a small portfolio:
the KBS share (new recruits over the reported number of new specialist-care patients, annual),
annual periods and growth, counts where the plan says "number", approval → first recorded
enrolment with a minimum n, population denominators and coverage warnings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from consents.models import Enrolment, Participant
from indicators import services
from indicators.catalogue import CATALOGUE
from indicators.coverage import coverage_warnings
from indicators.models import IndicatorSnapshot, ReportedDenominator, ReportedFigure
from indicators.periods import Period
from indicators.selectors import indicator_lines
from indicators.tasks import monthly_reports
from sites.models import Municipality, Organisation, OrganisationCapacity, UserScope
from sites.roles import user_scope_assign
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.industry.models import Agreement, FeasibilityRequest, Milestone
from trials.models import HealthCategory, Study

D = dt.date
Y2025 = Period.year(2025)
KIND = ReportedDenominator.Kind
LATE_TYPED = D(2025, 12, 31)  # a typed "first patient included" day that the method ignores


def values(code: str, period: Period) -> dict[str, float | None]:
    return {
        row.scope_key: None if row.value is None else round(float(row.value), 4)
        for row in CATALOGUE[code].compute(period)
        if row.breakdown == ""
    }


def rows(code: str, period: Period) -> dict:
    return {row.scope_key: row for row in CATALOGUE[code].compute(period) if row.breakdown == ""}


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


_people = iter(range(10_000))


def enrol(site, included, ended=None, person=None, **person_fields):
    person = person or Participant.objects.create(pseudonym=f"o-{next(_people)}", **person_fields)
    Enrolment.objects.create(
        participant=person,
        study=site.study,
        site=site,
        included_on=included,
        ended_on=ended,
        status="completed" if ended else "included",
    )
    return person


@pytest.fixture
def kbs_world(reference_data, frozen_now):
    """Helse Bergen (Haukeland, Voss) and Helse Stavanger (SUS), all in Helse Vest."""
    bergen, stavanger = hf("Bergen"), hf("Stavanger")
    haukeland, voss = _org("Haukeland universitetssjukehus"), _org("Voss sjukehus")
    sus = _org("Stavanger universitetssjukehus")
    kbs = StudyFactory(responsible_organisation=bergen, category=Study.Category.KBS)
    kbs2 = StudyFactory(responsible_organisation=bergen, category=Study.Category.KBS)
    other = StudyFactory(responsible_organisation=bergen, category=Study.Category.OBSERVATIONAL)
    on = D(2024, 1, 10)
    site = {
        o: StudySiteFactory(study=kbs, organisation=o, activated_on=on)
        for o in (haukeland, voss, sus)
    }
    voss_kbs2 = StudySiteFactory(study=kbs2, organisation=voss, activated_on=on)
    other_site = StudySiteFactory(study=other, organisation=haukeland, activated_on=on)
    p0 = enrol(site[haukeland], D(2025, 3, 1))
    enrol(voss_kbs2, D(2025, 5, 1), person=p0)  # two hospitals of one HF: counted once
    enrol(site[voss], D(2025, 6, 1))
    enrol(site[sus], D(2025, 2, 1))
    enrol(site[haukeland], D(2024, 11, 1))  # running in 2025, recruited in 2024: not counted
    enrol(other_site, D(2025, 4, 1))  # not a clinical treatment study
    enrol(site[sus], D(2026, 2, 1))  # the year to date 2026
    # Free-typed capacity rows must play no part in the official share.
    OrganisationCapacity.objects.create(organisation=bergen, year=2025, patients_treated=6_000_000)
    return {"bergen": bergen, "stavanger": stavanger, "vest": bergen.region}


def record(kind, year, value, **scope):
    return services.reported_denominator_record(
        kind=kind, year=year, value=value, source="Helsedirektoratet, NPR 2025", **scope
    )


@pytest.mark.django_db
def test_kbs_share_counts_new_recruits_over_the_reported_new_specialist_patients(kbs_world):
    bergen, vest = kbs_world["bergen"], kbs_world["vest"]
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 400)
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 300, region=vest)
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 100, organisation=bergen)
    share = rows("kbs-share-specialist", Y2025)
    # Recruited in 2025 to KBS: p0 (Haukeland + Voss), the Voss patient, the SUS patient = 3.
    assert (share["national"].numerator, share["national"].denominator) == (3, 400)
    assert float(share["national"].value) == 0.75  # 3 / 400
    assert float(share[f"region:{vest.pk}"].value) == 1.0  # 3 / 300
    # Helse Bergen with its hospitals: p0 once, the Voss patient = 2 of 100.
    assert float(share[f"hf:{bergen.pk}"].value) == 2.0
    # Helse Stavanger reported no denominator: its recruit is counted, no share is made up.
    stavanger = share[f"hf:{kbs_world['stavanger'].pk}"]
    assert stavanger.numerator == 1 and stavanger.value is None
    assert share["national"].coverage == {
        "reference_year": 2025,
        "source": "Helsedirektoratet, NPR 2025",
    }


@pytest.mark.django_db
def test_kbs_share_is_annual_and_the_year_to_date_is_provisional(kbs_world):
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 400)
    services.snapshots_compute(period=Period.month(2025, 3))
    month = IndicatorSnapshot.objects.filter(indicator__code="kbs-share-specialist")
    assert not month.exists()  # never a month over a year
    services.snapshots_compute(period=Period.year_to_date(2026, 10))
    ytd = month.get(period_kind="ytd", scope_key="national")
    # One recruit in January–October 2026 over the latest reported year (2025): 1 / 400.
    assert ytd.value == Decimal("0.25") and ytd.provisional
    assert ytd.period_end == D(2026, 10, 31)
    assert "Nevneren/tallet gjelder 2025, ikke 2026." in ytd.warnings


@pytest.mark.django_db
def test_a_reported_denominator_needs_a_source_and_a_health_trust(kbs_world):
    with pytest.raises(ValidationError, match="Oppgi kilden"):
        services.reported_denominator_record(
            kind=KIND.NEW_SPECIALIST_PATIENTS, year=2025, value=10, source=" "
        )
    with pytest.raises(ValidationError, match="helseforetak"):
        record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 10, organisation=_org("Voss sjukehus"))
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 10)
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 12)  # a correction, not a second figure
    assert ReportedDenominator.objects.get().value == 12


@pytest.fixture
def growth_world(reference_data, frozen_now):
    bergen = hf("Bergen")
    site = StudySiteFactory(
        study=StudyFactory(responsible_organisation=bergen),
        organisation=bergen,
        activated_on=D(2024, 1, 1),
    )
    for day in [
        D(2024, 2, 1),
        D(2024, 12, 1),
        D(2025, 3, 1),
        D(2025, 11, 1),
        D(2026, 2, 1),
        D(2026, 4, 1),
    ]:
        enrol(site, day)
    return site


@pytest.mark.django_db
def test_growth_compares_a_year_with_the_year_before_and_the_year_to_date_with_the_same_months(
    growth_world,
):
    # 2025: two new participants, 2024: two → 0 %.
    assert values("participants-growth", Y2025)["national"] == 0.0
    # January–October 2026: two; January–October 2025: one (November 2025 is left out) → +100 %.
    assert values("participants-growth", Period.year_to_date(2026, 10))["national"] == 100.0
    services.snapshots_compute(period=Period.month(2026, 4))
    growth = IndicatorSnapshot.objects.filter(indicator__code="participants-growth")
    assert not growth.exists()  # a month against the same month last year is noise


@pytest.mark.django_db
def test_the_monthly_job_computes_the_year_to_date_and_the_year_beside_the_month(growth_world):
    monthly_reports("2026-10")
    kinds = set(
        IndicatorSnapshot.objects.filter(indicator__code="participants-included").values_list(
            "period_kind", "period_start", "provisional"
        )
    )
    assert kinds == {
        ("month", D(2026, 10, 1), False),
        ("ytd", D(2026, 1, 1), True),
        ("year", D(2026, 1, 1), True),  # November 2026 now: the year is not over
    }


@pytest.mark.django_db
def test_targets_are_annual_with_a_baseline_year(growth_world):
    bergen = growth_world.organisation
    for year, person_years in [(2025, 100), (2026, 150)]:
        OrganisationCapacity.objects.create(
            organisation=bergen, year=year, research_person_years=Decimal(person_years)
        )
    for period in [Period.month(2026, 4), Y2025, Period.year(2026)]:
        services.snapshots_compute(period=period)

    def lines(period):
        return {
            line.indicator.code: line
            for line in indicator_lines(period=period, scope_key="national")
        }

    month, year = lines(Period.month(2026, 4)), lines(Period.year(2026))
    # A month is never judged against an annual target; the year is.
    assert month["research-person-years"].value == 150
    assert month["research-person-years"].on_track is None
    # "Doubled by 2036" from the baseline year 2025: 2 × 100 = 200 person-years; 150 is not there.
    assert year["research-person-years"].target == 200
    assert year["research-person-years"].on_track is False
    assert year["participants-growth"].on_track is True  # 2 new in 2026 against 2 in 2025: ≥ 0 %
    assert all(
        d.baseline_year for d in CATALOGUE.values() if d.target_value is not None or d.target_factor
    )


@pytest.fixture
def approvals(reference_data, frozen_now):
    """Five studies with their first recorded enrolment in 2025; the typed "first patient" field
    says something else and is ignored."""
    bergen, unn = hf("Bergen"), hf("Nord-Norge")

    def study(org, first_enrolment, rek, dmp=None, typed=LATE_TYPED, more=()):
        s = StudyFactory(
            responsible_organisation=org,
            rek_approved_on=rek,
            dmp_approved_on=dmp,
            opened_on=dmp or rek,
            first_patient_in_on=typed,
        )
        site = StudySiteFactory(study=s, organisation=org, activated_on=rek)
        for day in (first_enrolment, *more):
            enrol(site, day)
        return s

    study(bergen, D(2025, 1, 11), rek=D(2025, 1, 1))  # 10 days from REK
    # A drug trial counts from its DMP approval: 1 February → 3 March = 30 days (not 61 from REK).
    study(bergen, D(2025, 3, 3), rek=D(2025, 1, 1), dmp=D(2025, 2, 1))
    study(bergen, D(2025, 5, 1), rek=D(2025, 4, 1), more=[D(2025, 6, 1)])  # 30 days
    study(bergen, D(2025, 3, 2), rek=D(2025, 1, 1))  # 60 days
    study(unn, D(2025, 8, 10), rek=D(2025, 7, 1))  # 40 days
    # First enrolment in 2024: not a 2025 start, even with an enrolment in 2025.
    study(unn, D(2024, 12, 1), rek=D(2024, 6, 1), typed=D(2025, 2, 1), more=[D(2025, 2, 1)])
    return {"bergen": bergen, "unn": unn}


@pytest.mark.django_db
def test_approval_to_first_patient_uses_the_first_recorded_enrolment_with_a_minimum_n(approvals):
    result = rows("approval-to-first-patient-days", Y2025)
    # 10, 30, 30, 40, 60 days → median 30, n = 5.
    assert float(result["national"].value) == 30.0 and result["national"].numerator == 5
    # Helse Vest has four of the studies: too few for a median to be published.
    vest = result[f"region:{approvals['bergen'].region_id}"]
    assert vest.value is None and vest.numerator == 4
    assert vest.coverage["below_min_n"] is True
    assert "Median vises ikke: 4 studier, minst 5 kreves." in coverage_warnings(
        vest.coverage, None, Y2025
    )
    assert "DMP" in CATALOGUE["approval-to-first-patient-days"].description


@pytest.fixture
def industry(reference_data, frozen_now):
    from tests.factories import SponsorFactory

    bergen, unn = hf("Bergen"), hf("Nord-Norge")
    sponsor = SponsorFactory(name="Pharma AS")
    ended = D(2025, 9, 30)

    def industry_study(milestones, cancelled=False, sponsor_type=Study.SponsorType.INDUSTRY):
        s = StudyFactory(
            responsible_organisation=bergen,
            sponsor=sponsor,
            sponsor_type=sponsor_type,
            rek_approved_on=D(2024, 12, 1),
            opened_on=D(2025, 1, 1),
            actual_recruitment_end_on=ended,
        )
        agreement = Agreement.objects.create(
            study=s,
            sponsor=sponsor,
            kind=Agreement.Kind.CTA,
            organisation=bergen,
            status=Agreement.Status.SIGNED,
        )
        if cancelled:
            Agreement.objects.create(
                study=s,
                sponsor=sponsor,
                kind=Agreement.Kind.CTA,
                organisation=unn,
                status=Agreement.Status.CANCELLED,
                cancelled_on=D(2025, 5, 1),
                cancellation_reason=Agreement.CancellationReason.BUDGET,
            )
        kinds = [Milestone.Kind.SITE_ACTIVATION, Milestone.Kind.FIRST_PATIENT_IN]
        for kind, (planned, actual, status) in zip(kinds, milestones, strict=False):
            Milestone.objects.create(
                agreement=agreement,
                kind=kind,
                planned_on=planned,
                actual_on=actual,
                status=status,
            )
        return s

    on_time = (D(2025, 3, 1), D(2025, 2, 20), "met")
    industry_study([on_time, (D(2025, 6, 1), None, "waived")])  # kept
    industry_study([on_time, (D(2025, 4, 1), D(2025, 4, 9), "met")])  # a milestone met late
    industry_study([on_time], cancelled=True)  # cancelled at another site
    industry_study([on_time], sponsor_type=Study.SponsorType.PUBLIC)  # not industry-funded
    for ref, channel in [("R1", "portal"), ("R2", "portal"), ("R3", "email")]:
        FeasibilityRequest.objects.create(
            public_id=ref,
            sponsor=sponsor,
            contact_name="Kari",
            contact_email="k@example.com",
            title=ref,
            condition="Astma",
            hrcs_category=HealthCategory.objects.get(code="01"),
            phase=Study.Phase.PHASE_3,
            design_summary="RCT",
            key_inclusion_criteria="Voksne",
            patients_wanted=10,
            channel=channel,
            received_at=dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC),
            deadline=D(2025, 5, 15),
        )
    OrganisationCapacity.objects.create(
        organisation=bergen, year=2025, shared_university_positions=7
    )
    OrganisationCapacity.objects.create(organisation=unn, year=2025, shared_university_positions=5)
    return {"bergen": bergen}


@pytest.mark.django_db
def test_counts_where_the_plan_says_number(industry):
    # Three industry studies ended recruitment in 2025; one kept every milestone and agreement.
    assert values("industry-delivered", Y2025)["national"] == 1
    assert values("industry-delivered-share", Y2025)["national"] == 33.3333
    assert CATALOGUE["industry-delivered"].unit == "studier"
    assert values("feasibility-portal-requests", Y2025)["national"] == 2
    assert CATALOGUE["dmp-faster-than-required"].unit == "søknader"
    shared = rows("shared-university-positions", Y2025)
    assert shared["national"].value == 12 and shared["national"].coverage == {"reporting": 2}


@pytest.mark.django_db
def test_population_per_region_and_catchment_and_rates_per_100000(kbs_world):
    bergen = kbs_world["bergen"]
    catchment = list(
        Municipality.objects.filter(catchment_organisation=bergen).order_by("code")[:2]
    )
    assert len(catchment) == 2
    for municipality, people in zip(catchment, [50_000, 150_000], strict=True):
        services.reported_denominator_record(
            kind=KIND.POPULATION,
            year=2025,
            value=people,
            municipality=municipality,
            source="SSB tabell 07459, 1.1.2025",
        )
    rates = rows("participants-per-100k", Y2025)
    # New participants at Helse Bergen's sites in 2025: p0, the Voss patient, the observational
    # study's participant = 3, over the catchment's 200 000 inhabitants → 1.5 per 100 000.
    trust = rates[f"hf:{bergen.pk}"]
    assert (trust.numerator, trust.denominator, float(trust.value)) == (3, 200_000, 1.5)
    assert trust.coverage["municipalities"] == 2
    assert trust.coverage["source"] == "SSB tabell 07459, 1.1.2025"


@pytest.mark.django_db
def test_studies_per_million_counts_interventional_studies_beside_the_european_figure(kbs_world):
    indicators = services.indicator_catalogue_sync()
    ReportedFigure.objects.create(
        indicator=indicators["europe-studies-per-million-top3"],
        period_start=D(2025, 1, 1),
        value=Decimal(95),
        source="EUCTR",
    )
    record(KIND.POPULATION, 2025, 2_000_000)
    result = rows("studies-per-million", Y2025)["national"]
    # Open in 2025: the two KBS (interventional); the observational study is left out → 2 / 2 M.
    assert (result.numerator, float(result.value)) == (2, 1.0)
    assert result.coverage["europe_top3"] == 95.0


@pytest.mark.django_db
def test_a_value_warns_when_fewer_organisations_reported_its_inputs(reference_data, frozen_now):
    reporting = [hf("Bergen"), hf("Stavanger"), hf("Nord-Norge")]
    for org in reporting:
        OrganisationCapacity.objects.create(organisation=org, year=2025, research_person_years=100)
    OrganisationCapacity.objects.create(
        organisation=reporting[0], year=2026, research_person_years=108
    )
    services.snapshots_compute(period=Y2025)
    services.snapshots_compute(period=Period.year(2026))
    snap = IndicatorSnapshot.objects.get(
        indicator__code="research-person-years",
        period_kind="year",
        period_start=D(2026, 1, 1),
        scope_key="national",
    )
    assert snap.value == 108 and snap.coverage == {"reporting": 1}
    assert snap.warnings == [
        "Dekningen er endret: 1 organisasjoner har rapportert grunnlaget mot 3 i 2025; endringen "
        "i verdien kan skyldes det.",
        "Verdien er endret med -64 % mot 2025: kontroller at grunnlaget er komplett før tallet "
        "brukes.",
    ]


@pytest.mark.django_db
def test_a_count_that_halves_with_the_same_organisations_reporting_is_flagged(
    reference_data, frozen_now
):
    for org in [hf("Bergen"), hf("Stavanger")]:
        OrganisationCapacity.objects.create(organisation=org, year=2025, research_person_years=100)
        OrganisationCapacity.objects.create(organisation=org, year=2026, research_person_years=36)
    services.snapshots_compute(period=Y2025)
    services.snapshots_compute(period=Period.year(2026))
    snap = IndicatorSnapshot.objects.get(
        indicator__code="research-person-years",
        period_start=D(2026, 1, 1),
        scope_key="national",
    )
    # 200 → 72 person-years with both organisations reporting: −64 %.
    assert snap.warnings == [
        "Verdien er endret med -64 % mot 2025: kontroller at grunnlaget er komplett før tallet "
        "brukes."
    ]


@pytest.mark.django_db
def test_people_counts_carry_the_share_of_unknown_sex_and_age(reference_data, frozen_now):
    bergen = hf("Bergen")
    site = StudySiteFactory(
        study=StudyFactory(responsible_organisation=bergen),
        organisation=bergen,
        activated_on=D(2025, 1, 1),
    )
    enrol(site, D(2025, 2, 1), sex="female", birth_year=1980)
    enrol(site, D(2025, 2, 1), sex="unknown", birth_year=1970)
    enrol(site, D(2025, 2, 1), sex="male", birth_year=None)
    enrol(site, D(2025, 2, 1), sex="unknown", birth_year=None)
    national = rows("participants-included", Y2025)["national"]
    assert national.coverage == {"unknown_sex_share": 50.0, "unknown_age_share": 50.0}
    services.snapshots_compute(period=Y2025)
    snap = IndicatorSnapshot.objects.get(
        indicator__code="participants-included",
        scope_key="national",
        breakdown="",
        period_kind="year",
    )
    assert "50,0 % av personene har ukjent kjønn." in snap.warnings


@pytest.mark.django_db
def test_the_admin_shows_each_method_and_takes_denominators_with_a_source(reference_data, client):
    user = get_user_model().objects.create_user(
        username="nasjonal", password="pw-for-tests-only-1", is_staff=True
    )
    user_scope_assign(user=user, role=UserScope.Role.NATIONAL_ADMIN)
    client.force_login(user)
    indicators = services.indicator_catalogue_sync()
    page = client.get(
        f"/admin/indicators/indicator/{indicators['kbs-share-specialist'].pk}/change/"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nye pasienter utredet eller behandlet i spesialisthelsetjenesten" in html
    assert "Ulike pasienter rekruttert" in html and "Basisår" in html
    response = client.post(
        "/admin/indicators/reporteddenominator/add/",
        {"kind": "new_specialist_patients", "year": 2025, "value": 1000, "source": ""},
    )
    assert response.status_code == 200 and "Dette feltet er påkrevd" in response.content.decode()
    response = client.post(
        "/admin/indicators/reporteddenominator/add/",
        {
            "kind": "new_specialist_patients",
            "year": 2025,
            "value": 1000,
            "source": "NPR",
            "organisation": _org("Voss sjukehus").pk,
        },
    )
    assert "Velg et gyldig valg" in response.content.decode()  # only health trusts are offered
    assert not ReportedDenominator.objects.exists()
    response = client.post(
        "/admin/indicators/reporteddenominator/add/",
        {"kind": "new_specialist_patients", "year": 2025, "value": 1000, "source": "NPR"},
    )
    assert response.status_code == 302
    figure = ReportedDenominator.objects.get()
    assert (figure.scope_key, figure.entered_by) == ("national", user)


@pytest.mark.django_db
def test_the_monthly_report_shows_the_year_to_date_against_the_annual_targets_with_warnings(
    kbs_world,
):
    from indicators.selectors import NATIONAL_SCOPE

    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 400)
    # Five recruits in 2026, so the figure is not hidden as a small count (README, disclosure).
    from trials.models import StudySite

    sus = StudySite.objects.get(
        study__category=Study.Category.KBS, organisation__name="Stavanger universitetssjukehus"
    )
    for day in range(1, 5):
        enrol(sus, D(2026, 3, day))
    october = Period.month(2026, 10)
    services.snapshots_compute(period=october)
    services.snapshots_compute_annual(month=october)
    report = services.report_build(period=october, scope=NATIONAL_SCOPE)
    assert "Hittil i år (2026-01..10, foreløpig) mot årsmålene" in report.text
    # The KBS share of January–October: 5 recruits over 400 = 1,25 % (shown 1,2 %), against 5 %.
    kbs_lines = [line for line in report.text.splitlines() if "spesialisthelsetjenesten" in line]
    assert len(kbs_lines) == 1  # never a month over a year
    kbs_line = kbs_lines[0]
    assert "1,2 %" in kbs_line and "mål 5" in kbs_line
    assert "Advarsel: Nevneren/tallet gjelder 2025, ikke 2026." in report.text
    assert "Advarsel: Nevneren/tallet gjelder 2025, ikke 2026." in report.html.replace(
        "⚠ ", "Advarsel: "
    )


@pytest.mark.django_db
def test_a_manual_annual_figure_carries_its_reference_year_into_later_periods(
    reference_data, frozen_now
):
    indicators = services.indicator_catalogue_sync()
    ReportedFigure.objects.create(
        indicator=indicators["dmp-case-days-phase-1-2"],
        period_start=D(2025, 1, 1),
        value=Decimal(38),
        source="DMP",
    )
    services.snapshots_compute(period=Period.month(2026, 3), codes=["dmp-case-days-phase-1-2"])
    services.snapshots_compute(period=Period.year(2026), codes=["dmp-case-days-phase-1-2"])
    march = IndicatorSnapshot.objects.get(period_kind="month")
    assert march.value == 38 and march.coverage["reference_year"] == 2025
    assert march.warnings == ["Nevneren/tallet gjelder 2025, ikke 2026."]
    # The year 2026 is not given 2025's figure.
    assert not IndicatorSnapshot.objects.filter(period_kind="year").exists()


@pytest.mark.django_db
def test_the_admin_overview_shows_the_year_to_date_as_provisional_with_its_warnings(
    kbs_world, coordinator_vest, client
):
    record(KIND.NEW_SPECIALIST_PATIENTS, 2025, 400)
    services.snapshots_compute(period=Period.year_to_date(2026, 10))
    client.force_login(coordinator_vest)
    response = client.get("/admin/indicators/indicator/oversikt/?period=2026-01..10")
    html = response.content.decode()
    assert response.status_code == 200
    assert "foreløpig" in html
    # Only a national figure is reported: Helse Vest's share is not made up.
    assert "Ingen rapportert nevner for dette omfanget: andelen beregnes ikke." in html
