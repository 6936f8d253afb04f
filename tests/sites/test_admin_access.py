"""Every registered admin, walked as a coordinator of another region.

The battery reads the admin registry, so a new admin is covered without editing this file: its
model needs an access rule (``sites.access``), and — unless the rule is "shared" — a row of Helse
Vest in ``vest_rows`` below, or the battery fails and says so.

As the Helse Nord coordinator, for each Helse Vest row: the list does not show it; change,
history, history version (GET and POST) and delete are 404; autocomplete never offers it; every
action with its id changes nothing; every form field that chooses an organisation, site, study,
agreement or region does not offer it.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from consents import services as consent_services
from consents.models import ConsentForm, ExportBatch, IntegrationClient, Participant, Reservation
from indicators.kbs.models import KbsProject, KbsSiteNumber, ReportingPeriod
from indicators.models import IndicatorSnapshot, ReportRun
from indicators.services.snapshots import indicator_catalogue_sync
from sites.access import access_rule
from sites.models import Organisation, OrganisationCapacity, PendingTask, Region, UserScope
from tests.factories import StudyFactory, StudySiteFactory, hf
from tests.trials.industry.factories import (
    AgreementFactory,
    CapacityFactory,
    IndustrySponsorFactory,
    MilestoneFactory,
    interest_profile,
)
from trials.industry.models import (
    Agreement,
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    SponsorContact,
)
from trials.models import (
    HealthCategory,
    IdentityReview,
    ImportRun,
    SiteMatch,
    StatusProposal,
    Study,
    StudySite,
)

SYNTHETIC = "03851598730"  # Skatteetaten synthetic test person


def _snapshot(obj: Model) -> dict:
    """The row as stored, to see that nothing changed."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().get()


@pytest.fixture
def vest_rows(frozen_now, reference_data) -> dict[type[Model], Model]:
    """One row of Helse Vest for every scoped or national admin model."""
    today = timezone.localdate()
    bergen = hf("Bergen")
    study = StudyFactory(responsible_organisation=bergen)
    site = StudySiteFactory(study=study, organisation=bergen)
    agreement = AgreementFactory(organisation=bergen)
    milestone = MilestoneFactory(agreement=agreement)
    request = FeasibilityRequest.objects.create(
        sponsor=IndustrySponsorFactory(),
        contact_name="A",
        contact_email="a@example.com",
        title="Bare Vest",
        condition="C",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        design_summary="D",
        key_inclusion_criteria="K",
        patients_wanted=10,
        received_at=timezone.now(),
        deadline=today + dt.timedelta(days=14),
        status=FeasibilityRequest.Status.ROUTED,
    )
    response = FeasibilityResponse.objects.create(
        request=request, organisation=bergen, routed_at=timezone.now()
    )
    form = ConsentForm.objects.create(
        study=study,
        version_label="1.0",
        language="nb",
        approved_on=today - dt.timedelta(days=150),
        effective_from=today - dt.timedelta(days=150),
        text="Jeg samtykker.",
    )
    participant = consent_services.participant_register(national_id=SYNTHETIC, birth_year=1970)
    event = consent_services.consent_give(
        participant=participant,
        form=form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    enrolment = consent_services.enrolment_create(
        participant=participant, site=site, included_on=today - dt.timedelta(days=1)
    )
    reservation = Reservation.objects.create(
        participant=participant, scope="recruitment", registered_at=timezone.now()
    )
    vest_user = get_user_model().objects.create_user(username="mottaker-vest", is_staff=True)
    indicator = indicator_catalogue_sync()[next(iter(indicator_catalogue_sync()))]
    helse_vest = Region.objects.get(code="helse-vest")
    kbs_period = ReportingPeriod.objects.create(year=2025, deadline=dt.date(2026, 3, 31))
    kbs_project = KbsProject.objects.create(
        period=kbs_period,
        study=study,
        decision=KbsProject.Decision.REPORTABLE,
        decided_by=vest_user,
        decided_at=timezone.now(),
        recruitment_number=1,
    )
    return {
        ReportingPeriod: kbs_period,
        KbsProject: kbs_project,
        KbsSiteNumber: KbsSiteNumber.objects.create(project=kbs_project, site=site),
        Organisation: bergen,
        OrganisationCapacity: CapacityFactory(organisation=bergen),
        Study: study,
        StudySite: site,
        Agreement: agreement,
        type(milestone): milestone,
        FeasibilityRequest: request,
        FeasibilityResponse: response,
        FeasibilityInterestProfile: interest_profile(bergen, email="vest@example.no"),
        SponsorContact: SponsorContact.objects.create(
            sponsor=agreement.sponsor, name="Kontakt", email="kontakt@example.com"
        ),
        Participant: participant,
        type(enrolment): enrolment,
        ConsentForm: form,
        type(event): event,
        Reservation: reservation,
        IntegrationClient: IntegrationClient.objects.create(name="EPJ Vest", token_hash="x" * 64),
        ExportBatch: ExportBatch.objects.create(
            period=f"{today:%Y-%m}",
            organisation=bergen,
            file_name=f"participation-{today:%Y-%m}-{bergen.orgnr}.jsonl",
            row_count=1,
            sha256="0" * 64,
            rules_version="2026-11",
            created_at=timezone.now(),
        ),
        UserScope: UserScope.objects.create(
            user=vest_user, role=UserScope.Role.REGIONAL_COORDINATOR, region=helse_vest
        ),
        PendingTask: PendingTask.objects.create(task_name="trials.tasks.noop"),
        IndicatorSnapshot: IndicatorSnapshot.objects.create(
            indicator=indicator,
            period_kind="month",
            period_start=dt.date(2026, 10, 1),
            scope_kind="region",
            scope_key=f"region:{helse_vest.pk}",
            region=helse_vest,
            value=Decimal("1"),
            method_version=1,
            computed_at=timezone.now(),
        ),
        SiteMatch: SiteMatch.objects.create(
            study=study, registry_text="Research Site, Bergen", method="city", outcome="review"
        ),
        IdentityReview: IdentityReview.objects.create(
            study=study,
            kind="same",
            registry="ctis",
            registry_id="2024-510630-40-00",
            record_title="T",
        ),
        StatusProposal: StatusProposal.objects.create(
            study=study, from_status="completed", to_status="open", registry="ctgov"
        ),
        ImportRun: ImportRun.objects.create(label="vest.json", path="/tmp/vest.json"),
        ReportRun: ReportRun.objects.create(
            kind="regional",
            period_start=dt.date(2026, 10, 1),
            scope_key=f"region:{helse_vest.pk}",
            region=helse_vest,
            recipient=vest_user,
            email="mottaker@example.no",
        ),
    }


def _admins():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def test_every_admin_is_built_on_the_scoped_base_and_has_an_access_rule():
    from sites.scoped_admin import ScopedAdmin

    for model, model_admin in _admins():
        if model._meta.app_label in {"auth", "otp_totp", "axes", "otp_static"}:
            continue  # the framework's own user, device and lockout admins (superusers only)
        assert isinstance(model_admin, ScopedAdmin), model._meta.label
        access_rule(model)  # raises if the model has none


def _history_id(obj: Model) -> int | None:
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    return (
        history.filter(id=obj.pk)  # the row's own id: a history row's pk is its history_id
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )


def _autocomplete_ids(client, source_admin, field_name: str) -> set[str]:
    model = source_admin.model
    ids: set[str] = set()
    page = 1
    while True:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": "",
                "page": page,
            },
        )
        if response.status_code != 200:
            return ids
        data = response.json()
        ids |= {row["id"] for row in data["results"]}
        if not data["pagination"]["more"]:
            return ids
        page += 1


CHOOSERS = (Organisation, StudySite, Study, Agreement, Region)


@pytest.mark.django_db
def test_a_coordinator_of_another_region_gets_nothing_of_helse_vest_anywhere(
    client, coordinator_nord, vest_rows
):
    client.force_login(coordinator_nord)
    rows = dict(vest_rows)
    rows[Region] = Region.objects.get(code="helse-vest")  # never choosable for Nord
    before = {model: _snapshot(obj) for model, obj in vest_rows.items()}
    checked = []
    for model, model_admin in _admins():
        if model._meta.app_label in {"auth", "otp_totp", "axes", "otp_static"}:
            continue
        rule = access_rule(model)
        opts = model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        if rule.kind == "shared":
            continue
        assert model in vest_rows, f"add a Helse Vest row of {opts.label} to vest_rows"
        obj = vest_rows[model]

        # The list does not show it.
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code in (200, 403), opts.label
        if response.status_code == 200:
            assert not response.context["cl"].queryset.filter(pk=obj.pk).exists(), opts.label

        # Change, history, history version (GET and POST) and delete are 404.
        for url_name in ("change", "history", "delete"):
            url = reverse(f"admin:{name}_{url_name}", args=[obj.pk])
            assert client.get(url).status_code == 404, (opts.label, url_name)
            assert client.post(url, {"post": "yes"}).status_code == 404, (opts.label, url_name)
        history_id = _history_id(obj)
        if history_id is not None:
            url = reverse(f"admin:{name}_simple_history", args=[obj.pk, history_id])
            assert client.get(url).status_code == 404, opts.label
            assert client.post(url, {}).status_code == 404, opts.label

        # Every action with its id changes nothing.
        request = RequestFactory().get("/")
        request.user = coordinator_nord
        for action in model_admin.get_actions(request):
            client.post(
                reverse(f"admin:{name}_changelist"),
                {
                    "action": action,
                    "_selected_action": [obj.pk],
                    "index": 0,
                    "apply": "1",
                    "post": "yes",
                    "on": str(timezone.localdate()),
                    "reason": "other",
                },
            )
        checked.append(opts.label)

    for model, obj in vest_rows.items():
        assert _snapshot(obj) == before[model], f"{model._meta.label} was changed"

    # Autocomplete never offers a Helse Vest row, and no form field chooses one.
    for model, model_admin in _admins():
        for field_name in model_admin.autocomplete_fields:
            target = model._meta.get_field(field_name).related_model
            if target in rows:
                offered = _autocomplete_ids(client, model_admin, field_name)
                assert str(rows[target].pk) not in offered, (model._meta.label, field_name)
        request = RequestFactory().get("/")
        request.user = coordinator_nord
        request.resolver_match = None
        if not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)()
        for field_name, field in form.fields.items():
            if isinstance(field, ModelChoiceField | ModelMultipleChoiceField):
                target = field.queryset.model
                if target in CHOOSERS:
                    assert not field.queryset.filter(pk=rows[target].pk).exists(), (
                        model._meta.label,
                        field_name,
                    )
    assert len(checked) >= 15, checked


@pytest.mark.django_db
def test_an_old_version_is_never_saved_back_even_in_scope(client, coordinator_vest, vest_rows):
    """The history version page of an agreement in the user's own region is read-only."""
    agreement = vest_rows[Agreement]
    client.force_login(coordinator_vest)
    history_id = _history_id(agreement)
    url = f"/admin/industry/agreement/{agreement.pk}/history/{history_id}/"
    assert client.get(url).status_code == 200
    before = _snapshot(agreement)
    response = client.post(url, {"status": "draft", "recruitment_commitment": "999"})
    assert response.status_code == 403
    assert _snapshot(agreement) == before
