"""The finder's select lists render exactly what Django's own select renders, only faster."""

import pytest
from django import forms
from django.test import SimpleTestCase

from sites.models import Municipality
from trials.web.views import FinderForm
from trials.web.widgets import QuickSelect

CHOICES = [("", "Alle <regioner>"), ("helse-vest", "Helse Vest & co"), ("nord", 'Helse "Nord"')]


class QuickSelectMatchesDjangoSelect(SimpleTestCase):
    def assert_same(self, value: object, attrs: dict | None = None) -> None:
        ours = QuickSelect(choices=CHOICES).render("region", value, attrs=attrs)
        django = forms.Select(choices=CHOICES).render("region", value, attrs=attrs)
        self.assertHTMLEqual(ours, django)

    def test_nothing_chosen_selects_the_empty_option(self) -> None:
        self.assert_same(None)

    def test_the_chosen_value_is_selected_and_text_is_escaped(self) -> None:
        self.assert_same("nord", attrs={"id": "id_region", "aria-describedby": "region-hjelp"})

    def test_a_value_not_offered_selects_nothing(self) -> None:
        self.assert_same("finnes-ikke", attrs={"required": True, "disabled": False})


@pytest.mark.django_db
def test_the_chosen_municipality_stays_selected_among_all_of_them(reference_data) -> None:
    located = Municipality.objects.filter(latitude__isnull=False)
    html = str(FinderForm({"municipality": "4601"})["municipality"])
    assert html.count("<option") == located.count() + 1 > 300
    assert '<option value="4601" selected>Bergen (Vestland)</option>' in html
    assert html.count(" selected") == 1
