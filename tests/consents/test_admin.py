import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import ConsentEvent, Enrolment

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db


def _grant(user):
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["consents", "trials"],
            codename__in=[
                "view_enrolment",
                "add_enrolment",
                "change_enrolment",
                "view_participant",
                "view_consentevent",
                "add_consentevent",
                "view_consentform",
                "add_consentform",
            ],
        )
    )
    return user


def _enrolled(site, consent_form, n):
    participant = services.participant_register(national_id=SYNTHETIC[n], birth_year=1970)
    services.consent_give(
        participant=participant,
        form=consent_form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    return services.enrolment_create(
        participant=participant, site=site, included_on=timezone.localdate() - dt.timedelta(days=1)
    )


def test_a_coordinator_sees_own_region_only_in_constant_queries(
    client, site, consent_form, coordinator_vest, coordinator_nord
):
    _enrolled(site, consent_form, 0)
    client.force_login(_grant(coordinator_nord))
    response = client.get(reverse("admin:consents_enrolment_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == 0
    enrolment = Enrolment.objects.get()
    assert client.get(
        reverse("admin:consents_enrolment_change", args=[enrolment.pk])
    ).status_code in (302, 404)

    client.force_login(_grant(coordinator_vest))
    url = reverse("admin:consents_enrolment_changelist")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).context["cl"].result_count == 1
    for n in (1, 2, 3):
        _enrolled(site, consent_form, n)
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).context["cl"].result_count == 4
    assert len(four) == len(one)
    for name in ("consentevent", "participant", "consentform"):
        assert client.get(reverse(f"admin:consents_{name}_changelist")).status_code == 200


def test_withdrawing_in_the_admin_is_the_same_one_form_as_registering(
    frozen_now, client, site, consent_form, coordinator_vest
):
    enrolment = _enrolled(site, consent_form, 0)
    client.force_login(_grant(coordinator_vest))
    url = reverse("admin:consents_consentevent_add")
    response = client.post(
        url,
        {
            "national_id": SYNTHETIC[0],
            "study": site.study.pk,
            "kind": "withdrawn",
            "scope": "stop_participation",
            "reason": "burden",
            "occurred_at_0": str(timezone.localdate()),
            "occurred_at_1": "08:00:00",
        },
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN
    event = ConsentEvent.objects.order_by("-id").first()
    assert event.kind == "withdrawn" and event.recorded_by == coordinator_vest
    # The ledger is read-only: no change or delete.
    change = client.get(reverse("admin:consents_consentevent_change", args=[event.pk]))
    assert b'name="_save"' not in change.content
    delete = client.post(
        reverse("admin:consents_consentevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403 and ConsentEvent.objects.filter(pk=event.pk).exists()
