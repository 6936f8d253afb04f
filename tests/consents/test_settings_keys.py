"""Production refuses to start without the pseudonym keys (fresh interpreter per case)."""

from tests.config.test_settings import _setup

BASE = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "a-production-like-secret-key-for-this-test"}


def _env(**overrides):
    env = {**BASE, "PSEUDONYM_KEY": "", "EXPORT_PSEUDONYM_KEY": ""}
    env.update(overrides)
    return env


def test_production_refuses_to_start_without_a_pseudonym_key():
    result = _setup(_env(EXPORT_PSEUDONYM_KEY="x" * 40))
    assert result.returncode != 0 and "PSEUDONYM_KEY must be set" in result.stderr


def test_production_refuses_the_same_key_for_export_and_internal_pseudonyms():
    result = _setup(_env(PSEUDONYM_KEY="k" * 40, EXPORT_PSEUDONYM_KEY="k" * 40))
    assert result.returncode != 0 and "must differ" in result.stderr


def test_production_starts_with_both_keys():
    result = _setup(_env(PSEUDONYM_KEY="k" * 40, EXPORT_PSEUDONYM_KEY="e" * 40))
    assert result.returncode == 0, result.stderr
