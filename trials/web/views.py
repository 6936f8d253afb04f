"""Study finder pages. They read through the same filter set and selectors as the public API."""

from urllib.parse import quote, urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from sites.operations.response_cache import public_response_cache
from sites.pagination import BoundedCountPaginator

from .. import selectors
from ..api.filters import PublicStudyFilter
from ..selectors import search
from .forms import FinderForm
from .results import result_items, study_texts
from .site_map import HEIGHT, MARKER_RADIUS, WIDTH, site_markers, sites_on_map
from .texts import (
    CATEGORY_EXPLAINED,
    PHASE_EXPLAINED,
    ages_in_words,
    registry_links,
    status_in_words,
)

LANGUAGES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
PAGE_SIZE = 20
# "30. november 2026", "30 November 2026" (month names from the active language).
DATE_FORMATS = {"nb": "j. F Y", "nn": "j. F Y", "en": "j F Y"}


def _language(request: HttpRequest, offered: dict = LANGUAGES, default: str = "nb") -> str:
    """The page language from ``?lang=``: one of ``offered``, else ``default``."""
    lang = request.GET.get("lang", "")
    return lang if lang in offered else default


def _language_links(request: HttpRequest, current: str, offered: dict = LANGUAGES) -> list[dict]:
    links = []
    for code, name in offered.items():
        params = request.GET.copy()
        params["lang"] = code
        params.pop("page", None)
        links.append(
            {"code": code, "name": name, "query": params.urlencode(), "current": code == current}
        )
    return links


# The form's fields: a request naming none of them (only ``lang``, or nothing) is the front page,
# which lists the studies taking in participants.
FINDER_FIELDS = frozenset(FinderForm.base_fields)


def _is_front_page(request: HttpRequest) -> bool:
    return not FINDER_FIELDS.intersection(request.GET)


def _search_query(given: QueryDict) -> str:
    """The finder's own parameters of a query, to link back to the same search (nothing else
    passes: the back link can only ever lead to the finder)."""
    params = QueryDict(mutable=True)
    for name in (*sorted(FINDER_FIELDS), "page"):
        for value in given.getlist(name)[:1]:
            params[name] = value[:200]
    return params.urlencode()


def _row(study, lang: str) -> dict:
    """What the study page says about ``study``, worked out once in Python."""
    open_sites = [site for site in study.public_sites if site.is_open]
    title, title_lang, summary, summary_lang = study_texts(study, lang)
    return {
        "study": study,
        "title": title,
        "title_lang": title_lang,
        "summary": summary,
        "summary_lang": summary_lang,
        "open_sites": open_sites,
        "ages": ages_in_words(study),
        "status": status_in_words(study, recruiting=bool(open_sites)),
    }


def _finder_queryset(data: dict) -> tuple[object, dict]:
    """The filtered studies (open first, then newest, unless nearest first), or the errors."""
    filterset = PublicStudyFilter(data=data, queryset=selectors.study_finder_list())
    if not filterset.is_valid():
        return None, filterset.errors
    queryset = filterset.qs
    if isinstance(queryset, search.NearestStudies):
        return queryset, {}
    return search.study_order_by_relevance(queryset), {}


def _page(request: HttpRequest, queryset, data: dict[str, str]):
    raw_page = request.GET.get("page", "1")
    wanted = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10_000 else 1
    paginator = BoundedCountPaginator(
        queryset,
        PAGE_SIZE,
        wanted_page=wanted,
        count_stamp=search.public_study_stamp,
        # The filters read nothing but ``data``: the same data, the same rows.
        count_search=f"{request.path}?{urlencode(sorted(data.items()))}",
    )
    try:
        return paginator.page(wanted)
    except (EmptyPage, PageNotAnInteger):
        return paginator.page(1)


@public_response_cache(search.public_study_stamp)
@require_safe
@cache_control(public=True, max_age=60)
def study_list(request: HttpRequest) -> HttpResponse:
    lang = _language(request)
    with translation.override(lang):
        front_page = _is_front_page(request)
        form = FinderForm({"open": "on"} if front_page else request.GET, lang=lang)
        rows: list[SafeString] = []
        page = None
        filter_errors: dict = {}
        queryset = None
        data: dict[str, str] = {}
        if form.is_valid():
            data = form.filter_data()
            queryset, filter_errors = _finder_queryset(data)
        if queryset is not None:
            page = _page(request, queryset, data)
        params = request.GET.copy()
        params.pop("page", None)
        search_query = _search_query(request.GET)
        # The study links: the page's language, and the search to go back to.
        detail_query = f"?lang={lang}" + (
            f"&sok={quote(search_query, safe='/')}" if search_query else ""
        )
        if page is not None:
            studies = selectors.study_attach_places(page.object_list)
            rows = result_items(studies, lang, detail_query)
        response = render(
            request,
            "trials/finder/list.html",
            {
                "form": form,
                "rows": rows,
                "page": page,
                "front_page": front_page,
                "filter_errors": filter_errors,
                "query_without_page": params.urlencode(),
                "search_query": search_query,
                "lang": lang,
                "language_links": _language_links(request, lang),
            },
        )
        if page is not None:
            # The template's context and the form refer to each other; without the page's studies
            # they are freed at once instead of waiting for Python's cycle collector.
            page.object_list = []
        return response


@public_response_cache(search.public_study_stamp)
@require_safe
@cache_control(public=True, max_age=60)
def study_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    lang = _language(request)
    study = selectors.study_public_detail().filter(public_id=public_id).first()
    back = f"/?{_search_query(QueryDict(request.GET.get('sok', '')))}"
    with translation.override(lang):
        context = {
            "lang": lang,
            "date_format": DATE_FORMATS[lang],
            "language_links": _language_links(request, lang),
            "back": _with_lang(back, lang),
        }
        if study is None:
            # A study withdrawn or unpublished since the link was made: say so, in the page's
            # language and design, with the way back to the search.
            return render(request, "trials/finder/not_found.html", context, status=404)
        (study,) = selectors.study_attach_public([study])
        row = _row(study, lang)
        markers = site_markers(study.public_sites, open_label=gettext("tar inn deltakere"))
        return render(
            request,
            "trials/finder/detail.html",
            {
                **context,
                **row,
                "sites": study.public_sites,
                "phase_explained": PHASE_EXPLAINED.get(study.phase, ""),
                "category_explained": CATEGORY_EXPLAINED.get(study.category, ""),
                "registries": registry_links(study),
                "map": {"width": WIDTH, "height": HEIGHT, "radius": MARKER_RADIUS},
                "map_markers": markers,
                "map_sites": sites_on_map(markers),
            },
        )


def _with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if not url.endswith('?') else ''}lang={lang}"
