"""Consents registered through the digital channel, worked out by hand for October 2026."""

import datetime as dt

import pytest
from django.utils import timezone

from consents.models import ConsentEvent, ConsentForm
from consents.services import consent_give, participant_register
from indicators.catalogue import CATALOGUE
from indicators.periods import Period
from tests.factories import StudyFactory, hf

# Synthetic test numbers (Skatteetaten Tenor, month + 80) — never real people.
SYNTHETIC = ["03851598730", "01914796756", "02838897382", "02898597531", "03815499122"]
OSLO = dt.timezone(dt.timedelta(hours=2))


def _form(study):
    return ConsentForm.objects.create(
        study=study, version_label="1.0", language="nb", approved_on=dt.date(2026, 8, 1),
        effective_from=dt.date(2026, 8, 1), text="Jeg samtykker til å delta.",
    )  # fmt: skip


def _give(national_id, form, channel, when):
    participant = participant_register(national_id=national_id)
    consent_give(participant=participant, form=form, channel=channel, occurred_at=when)


@pytest.mark.django_db
def test_digital_consents_are_counted_per_month_and_scope(reference_data):
    bergen, unn = hf("Bergen"), hf("Nord-Norge")
    vest_form = _form(StudyFactory(responsible_organisation=bergen))
    nord_form = _form(StudyFactory(responsible_organisation=unn))
    digital, paper = ConsentEvent.Channel.DIGITAL, ConsentEvent.Channel.PAPER
    _give(SYNTHETIC[0], vest_form, digital, dt.datetime(2026, 10, 1, 0, 30, tzinfo=OSLO))
    _give(SYNTHETIC[1], vest_form, digital, dt.datetime(2026, 10, 31, 23, 0, tzinfo=OSLO))
    _give(SYNTHETIC[2], vest_form, paper, dt.datetime(2026, 10, 15, 12, 0, tzinfo=OSLO))
    _give(SYNTHETIC[3], vest_form, digital, dt.datetime(2026, 9, 30, 23, 30, tzinfo=OSLO))
    _give(SYNTHETIC[4], nord_form, digital, dt.datetime(2026, 10, 10, 9, 0, tzinfo=OSLO))
    assert timezone.now() > dt.datetime(2026, 11, 1, tzinfo=OSLO)  # October is in the past

    rows = CATALOGUE["consents-digital"].compute(Period.month(2026, 10))
    values = {r.scope_key: int(r.value) for r in rows if r.breakdown == ""}

    # October in Oslo time: two digital in Bergen (the 1 Oct 00:30 and 31 Oct 23:00 edges count),
    # one digital at UNN; the paper consent and the one on 30 September do not.
    assert values["national"] == 3
    assert values[f"region:{bergen.region_id}"] == 2
    assert values[f"region:{unn.region_id}"] == 1
    assert values[f"org:{bergen.pk}"] == 2
    assert values[f"org:{unn.pk}"] == 1
