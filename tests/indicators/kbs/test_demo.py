"""The demo opens last year's KBS reporting with candidates, and running it again changes nothing."""

import pytest

from indicators.kbs.demo import demo_kbs_load
from indicators.kbs.models import KbsProject, ReportingPeriod
from sites.services import demo_users_ensure

from .conftest import kbs_study

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_period_for_last_year_with_candidates(frozen_now, reference_data):
    demo_users_ensure()
    for _ in range(4):
        kbs_study()
    first = demo_kbs_load()
    again = demo_kbs_load()
    assert first == again == {"year": 2025, "decided": 2, "candidates": 2}
    assert ReportingPeriod.objects.get(year=2025).status == ReportingPeriod.Status.OPEN
    assert KbsProject.objects.filter(decision="reportable").count() == 2
