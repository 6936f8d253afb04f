import datetime as dt

import pytest
from django.utils import timezone

from consents.models import ConsentForm
from tests.factories import StudySiteFactory

# Synthetic test numbers (Skatteetaten Tenor, month + 80) — never real people.
SYNTHETIC = ["03851598730", "01914796756", "02838897382", "02898597531", "03815499122"]


@pytest.fixture
def site(reference_data):
    """An open site of an approved, open KBS study in Helse Bergen (Helse Vest)."""
    return StudySiteFactory(contact_email="studie@example.no")


@pytest.fixture
def consent_form(site):
    today = timezone.localdate()
    return ConsentForm.objects.create(
        study=site.study,
        version_label="1.0",
        language="nb",
        approved_on=today - dt.timedelta(days=150),
        effective_from=today - dt.timedelta(days=150),
        text="Jeg samtykker til å delta.",
    )
