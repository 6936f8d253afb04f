"""The finder's select lists render exactly what Django's own select renders, only faster."""

import pytest
from django import forms
from django.test import SimpleTestCase

from sites.models import Municipality
from trials.web.views import FinderForm
from trials.web.widgets import Offer, QuickCheckbox, QuickNumberInput, QuickSelect

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

    def test_an_offer_renders_as_its_choices_would(self) -> None:
        offered = QuickSelect()
        offered.offer(Offer.of(CHOICES))
        django = forms.Select(choices=CHOICES).render("region", "helse-vest", attrs={"id": "r"})
        self.assertHTMLEqual(offered.render("region", "helse-vest", attrs={"id": "r"}), django)


class QuickInputsWriteWhatDjangoWrites(SimpleTestCase):
    """Same markup as Django's own template, attribute for attribute and in the same order."""

    ATTRS = (
        {"id": "id_x"},
        {"id": "id_x", "aria-invalid": "true", "aria-describedby": "id_x_error"},
        {"id": 'x"<&', "required": True, "disabled": False},
    )

    def test_check_boxes(self) -> None:
        for value in (True, False, None, "on", ""):
            for attrs in self.ATTRS:
                ours = QuickCheckbox().render("open", value, attrs=attrs)
                self.assertEqual(ours, forms.CheckboxInput().render("open", value, attrs=attrs))

    def test_number_fields(self) -> None:
        for value in (None, "", 40, "abc", '4"<0>&'):
            for attrs in self.ATTRS:
                ours = QuickNumberInput(attrs={"min": 0, "max": 130}).render("age", value, attrs)
                django = forms.NumberInput(attrs={"min": 0, "max": 130}).render("age", value, attrs)
                self.assertEqual(ours, django)


@pytest.mark.django_db
def test_the_chosen_municipality_stays_selected_among_all_of_them(reference_data) -> None:
    located = Municipality.objects.filter(latitude__isnull=False)
    html = str(FinderForm({"municipality": "4601"})["municipality"])
    assert html.count("<option") == located.count() + 1 > 300
    assert '<option value="4601" selected>Bergen (Vestland)</option>' in html
    assert html.count(" selected") == 1
