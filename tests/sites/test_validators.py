import pytest
from django.core.exceptions import ValidationError

from sites.validators import orgnr_is_valid, validate_orgnr


@pytest.mark.parametrize("orgnr", ["983974724", "991324968", "883974832"])
def test_real_organisation_numbers_pass(orgnr):
    assert orgnr_is_valid(orgnr)


def test_a_wrong_check_digit_is_explained_in_norwegian():
    with pytest.raises(ValidationError, match="feil kontrollsiffer"):
        validate_orgnr("978296296")  # Alta helsesenter in SKDE's list: a known bad check digit


@pytest.mark.parametrize("orgnr", ["12345678", "98397472A", ""])
def test_a_number_that_is_not_nine_digits_is_refused(orgnr):
    with pytest.raises(ValidationError, match="9 sifre"):
        validate_orgnr(orgnr)
