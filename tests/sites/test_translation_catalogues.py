"""Every text of the four apps is translated into Nynorsk and English, and the compiled catalogues
are those of the checked-in .po files: a new text without translation fails here (``make messages``
adds it to the catalogues; fill in its msgstr)."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from sites.management.commands.update_messages import APPS, LANGUAGES

BASE = Path(settings.BASE_DIR)
TOOLS = ("xgettext", "msgmerge", "msgfmt", "msgattrib")

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in TOOLS),
    reason="GNU gettext (xgettext, msgmerge, msgfmt, msgattrib) is not installed",
)


def _msgids(po: Path, *flags: str) -> list[str]:
    """The msgids msgattrib selects with ``flags`` (the header left out)."""
    out = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-location", *flags, str(po)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [line[len('msgid "') : -1] for line in out.splitlines() if line.startswith('msgid "')]
    return [line for line in lines if line]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The project's catalogues after a fresh extraction of every text in the apps' sources."""
    copy = tmp_path_factory.mktemp("messages")
    for app in (*APPS, "config"):
        shutil.copytree(BASE / app, copy / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(BASE / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "update_messages"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    return copy


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("app", APPS)
def test_every_text_is_translated(extracted, app, language):
    po = extracted / app / "locale" / language / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"{app} has no {language} catalogue: run make messages"
    untranslated = _msgids(po, "--untranslated")
    fuzzy = _msgids(po, "--only-fuzzy")
    assert not untranslated, f"{app}/{language}: untranslated (make messages): {untranslated}"
    assert not fuzzy, f"{app}/{language}: fuzzy, check and remove the flag: {fuzzy}"


def _catalogue(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "po",
    sorted([*BASE.glob("*/locale/*/LC_MESSAGES/*.po"), *BASE.glob("sites/django_locale/*/*/*.po")]),
    ids=lambda po: str(po.relative_to(BASE)),
)
def test_the_compiled_catalogue_matches_its_po_file(po, tmp_path):
    compiled = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    checked_in = po.with_suffix(".mo")
    assert checked_in.exists(), f"{po.relative_to(BASE)} is not compiled: run make messages"
    assert _catalogue(checked_in) == _catalogue(compiled), (
        f"{checked_in.relative_to(BASE)} is older than its .po: run make messages"
    )
