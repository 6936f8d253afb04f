"""A coordinator's round in the admin in Bokmål, Nynorsk and English, read against the catalogues.

The coordinator of Helse Vest walks the study list, a list filter, a study's change page, an action
with its message and the study's history. Every text the page shows (text nodes, button labels,
placeholders, titles, ARIA labels) is compared with the translation catalogues: a text that is the
Bokmål, Nynorsk or English form of a catalogue entry and not also a text of the page's language is
a string in the wrong language. Bokmål: the browser's language; Nynorsk: chosen in the header;
English: the browser's language.
"""

import re
from pathlib import Path

import django
import pytest
from django.conf import settings

from tests.factories import StudySiteFactory, hf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only-1"
BASE = Path(settings.BASE_DIR)
DJANGO_ADMIN = Path(django.__file__).parent / "contrib" / "admin" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")
# Separators inside one text node: the history's "old → new", breadcrumbs, "label: value", lists.
PIECES = re.compile(r"\s*(?:→|›|‹|·|\||/|:(?=\s|$)|\(|\)|\n)\s*")

VISIBLE_TEXTS = """() => {
  // Text marked as another language (the language choice names each language in itself) is
  // meant to be in that language.
  const page = document.documentElement.lang;
  const shown = el => el && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden" && !el.closest("script, style, template")
    && (el.closest("[lang]") || document.documentElement).lang === page;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (text && shown(walker.currentNode.parentElement)) texts.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], input[type=submit]")) {
    if (!shown(el)) continue;
    for (const name of ["placeholder", "title", "aria-label"]) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name).trim());
    }
    if (el.type === "submit" && el.value) texts.push(el.value.trim());
  }
  return texts;
}"""


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def po_entries(path: Path) -> list[tuple[list[str], list[str]]]:
    """(msgid and msgid_plural, msgstr forms) of every entry that is neither fuzzy nor obsolete."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "\n#~" in f"\n{block}":
            continue
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            match = re.match(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                fields[key] = _unquote(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += _unquote(line[1:-1])
        if fields.get("msgid"):
            ids = [fields["msgid"], *([fields["msgid_plural"]] if "msgid_plural" in fields else [])]
            strs = [value for name, value in sorted(fields.items()) if name.startswith("msgstr")]
            entries.append((ids, [s for s in strs if s]))
    return entries


def texts_by_language() -> dict[str, set[str]]:
    """Every text of each language: the project's msgids are Bokmål, its msgstrs Nynorsk and
    English; Django admin's English msgids and its (and the project's) Norwegian msgstrs."""
    texts: dict[str, set[str]] = {"nb": set(), "nn": set(), "en": set()}
    for po in BASE.glob("*/locale/*/LC_MESSAGES/django.po"):
        language = po.parts[-3]
        for ids, strs in po_entries(po):
            texts["nb"].update(ids)
            texts[language].update(strs)
    for language in ("nb", "nn"):
        for domain in ("django", "djangojs"):
            for po in (
                DJANGO_ADMIN / language / "LC_MESSAGES" / f"{domain}.po",
                BASE / "sites" / "django_locale" / language / "LC_MESSAGES" / f"{domain}.po",
            ):
                for ids, strs in po_entries(po):
                    texts["en"].update(ids)
                    texts[language].update(strs)
    return texts


def _pattern(text: str) -> re.Pattern | None:
    """A text with placeholders as a pattern, when enough of it is words to be recognised."""
    if not PLACEHOLDER.search(text) or len(re.sub(PLACEHOLDER, "", text).strip()) < 8:
        return None
    parts = PLACEHOLDER.split(text.replace("%%", "%"))
    return re.compile(".+?".join(re.escape(part) for part in parts))


class Catalogue:
    """Which texts belong to a language other than ``language`` (and not also to it)."""

    def __init__(self, language: str, texts: dict[str, set[str]]) -> None:
        own = texts[language]
        others = set().union(*(t for lang, t in texts.items() if lang != language)) - own
        self.foreign = {t for t in others if not PLACEHOLDER.search(t)}
        self.foreign_patterns = [p for t in others if (p := _pattern(t))]
        self.own_patterns = [p for t in own if (p := _pattern(t))]

    def _is_foreign(self, text: str) -> bool:
        if text in self.foreign:
            return True
        return any(p.fullmatch(text) for p in self.foreign_patterns) and not any(
            p.fullmatch(text) for p in self.own_patterns
        )

    def wrong_language(self, page) -> list[str]:
        found = []
        for text in page.evaluate(VISIBLE_TEXTS):
            pieces = [text, *(p for p in PIECES.split(text) if p)]
            found += [piece for piece in pieces if self._is_foreign(piece.strip())]
        return sorted(set(found))


@pytest.fixture(scope="module")
def catalogue_texts() -> dict[str, set[str]]:
    return texts_by_language()


@pytest.fixture
def studies(reference_data) -> dict[str, object]:
    """One published study per language for the round (its action unpublishes it)."""
    return {
        language: StudySiteFactory(
            study__lay_title_nb=f"Hjertesvikt i Vest ({language})", organisation=hf("Bergen")
        ).study
        for language in ("nb", "nn", "en")
    }


def sign_in(browser, base_url: str, browser_locale: str):
    """Signed in by the form's field names, whatever language the sign-in page is in."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=browser_locale)
    page = context.new_page()
    page.goto(f"{base_url}/admin/login/?next=/admin/trials/study/")
    page.fill("#id_username", "koordinator-vest")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize(
    ("language", "browser_locale", "chosen_in_header"),
    [("nb", "nb-NO", False), ("nn", "nb-NO", True), ("en", "en-GB", False)],
)
def test_a_coordinators_round_shows_no_text_in_another_language(
    browser,
    live_server,
    studies,
    coordinator_vest,
    catalogue_texts,
    language,
    browser_locale,
    chosen_in_header,
):
    catalogue = Catalogue(language, catalogue_texts)
    study = studies[language]
    page = sign_in(browser, live_server.url, browser_locale)
    if chosen_in_header:
        page.locator(f"#language-form button[value={language}]").click()
        page.wait_for_load_state()
    admin = f"{live_server.url}/admin/trials/study"
    findings = {}

    def visit(step: str) -> None:
        assert page.locator("html").get_attribute("lang") == language, step
        findings[step] = catalogue.wrong_language(page)

    visit("study list")
    page.goto(f"{admin}/?status__exact=open")
    visit("list filter")
    page.goto(f"{admin}/{study.pk}/change/")
    visit("change page")

    page.goto(f"{admin}/?q={study.public_id}")
    page.locator(f"input.action-select[value='{study.pk}']").check()
    page.select_option("select[name=action]", "unpublish")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert page.locator(".messagelist").count() == 1
    visit("action message")

    page.goto(f"{admin}/{study.pk}/history/")
    visit("history")
    page.context.close()
    assert findings == {step: [] for step in findings}
