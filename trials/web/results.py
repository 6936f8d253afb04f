"""The study list's results: each study one item of the list, its markup written in one pass, from
what ``selectors.study_finder_list`` and ``study_attach_places`` read of it.

Through the template language an item cost about 45 µs (a dozen variables and conditions, each
looked up, escaped and localised on its own), as much as the rest of the page for 20 results.
Here each item is one format of text already translated (``ListWords``) and escaped: the same
elements, classes and language attributes as the page around it.
"""

from html import escape

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..api.serializers import lay_text
from .texts import ListWords

TEASER_WORDS = 30

ITEM = """
  <li>
    <h3 class="result-title"><a href="{href}"{title_lang}>{title}</a></h3>
    <p class="meta">
      <span class="{status_css}">{status}</span>
      · {category}
      {distance}
    </p>
    {teaser}
    <p class="meta">{age_word}: {ages}{places}</p>
  </li>
"""


def study_texts(study, lang: str) -> tuple[str, str, str, str]:
    """The title and the summary to show in ``lang``, each with the language it is written in."""
    title, title_lang = lay_text(study, "lay_title", lang)
    if not title:
        title, title_lang = study.scientific_title, "en"
    summary, summary_lang = lay_text(study, "lay_summary", lang)
    return title, title_lang, summary, summary_lang


def teaser(summary: str) -> str:
    """The summary's first 30 words, and " …" when there is more (as ``Truncator.words``)."""
    words = summary.split()
    if len(words) > TEASER_WORDS:
        shown = " ".join(words[:TEASER_WORDS])
        return shown if shown.endswith(" …") else f"{shown} …"
    return " ".join(words)


def result_items(studies, lang: str, detail_query: str) -> list[SafeString]:
    """The list items of ``studies`` on a page in ``lang`` (the active language); each links to
    the study's page with ``detail_query``."""
    words = ListWords()
    age_word, where_word = escape(gettext("Alder")), escape(gettext("Hvor"))
    return [_item(study, lang, words, detail_query, age_word, where_word) for study in studies]


def _item(study, lang: str, words: ListWords, detail_query: str, age_word: str, where_word: str):
    sites = study.site_places
    title, title_lang, summary, summary_lang = study_texts(study, lang)
    status = words.status(study, recruiting=any(site.is_open for site in sites))
    distance = getattr(study, "distance_km", None)
    places = ", ".join(sorted({site.place for site in sites}))
    return mark_safe(  # noqa: S308 - every text below is escaped
        ITEM.format(
            href=escape(f"/studier/{study.public_id}/{detail_query}"),
            title_lang=_lang_attribute(title_lang, lang),
            title=escape(title),
            status_css=status.css,
            status=escape(str(status.headline)),
            category=escape(words.category(study)),
            distance=(
                "" if distance is None else f"· {escape(words.distance(floatformat(distance, 0)))}"
            ),
            teaser=(
                f"<p{_lang_attribute(summary_lang, lang)}>{escape(teaser(summary))}</p>"
                if summary
                else ""
            ),
            age_word=age_word,
            ages=escape(words.ages(study)),
            places=f" · {where_word}: {escape(places)}" if places else "",
        )
    )


def _lang_attribute(text_lang: str, page_lang: str) -> str:
    """` lang="en"` on a text in another language than the page's."""
    return "" if text_lang == page_lang else f' lang="{escape(text_lang)}"'
