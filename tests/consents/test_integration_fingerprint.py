"""The fingerprint kept of an integration request body is keyed for that purpose alone."""

import json

from consents.services import pseudonym_for
from consents.services.integration import request_fingerprint

BODY = [{"national_id": "01010112345", "study": "KS00000001"}]


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def test_a_fingerprint_is_not_the_pseudonym_of_the_same_text():
    # A body that is just a number: its fingerprint must not match the participant's pseudonym.
    assert request_fingerprint("01010112345") != pseudonym_for(_canonical("01010112345"))
    assert request_fingerprint(BODY) != pseudonym_for(_canonical(BODY))


def test_the_same_body_has_the_same_fingerprint_and_another_body_another():
    assert request_fingerprint(BODY) == request_fingerprint(json.loads(json.dumps(BODY)))
    assert request_fingerprint(BODY) != request_fingerprint([{**BODY[0], "study": "KS00000002"}])


def test_the_fingerprint_changes_with_the_secret_key(settings):
    before = request_fingerprint(BODY)
    settings.PSEUDONYM_KEY = "another-key-another-key-another-key-!"
    assert request_fingerprint(BODY) != before
