"""Study finder pages. They read through the same filter set and selectors as the public API."""

from typing import cast
from urllib.parse import quote

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from sites.operations.reference_cache import rows_of
from sites.operations.response_cache import public_response_cache
from sites.pagination import BoundedCountPaginator
from sites.selectors import MUNICIPALITY_ROWS, REGION_ROWS

from .. import selectors
from ..api.filters import PublicStudyFilter
from ..api.serializers import lay_text
from ..models import Study
from ..selectors import search
from ..selectors.public import HEALTH_CATEGORY_ROWS
from .site_map import HEIGHT, MARKER_RADIUS, WIDTH, site_markers, sites_on_map
from .texts import (
    CATEGORY_EXPLAINED,
    PHASE_EXPLAINED,
    ages_in_words,
    registry_links,
    status_in_words,
)
from .widgets import CodeChoiceField, QuickSelect

LANGUAGES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
PAGE_SIZE = 20
# "30. november 2026", "30 November 2026" (month names from the active language).
DATE_FORMATS = {"nb": "j. F Y", "nn": "j. F Y", "en": "j F Y"}
RADIUS_CHOICES = [(10, "10 km"), (25, "25 km"), (50, "50 km"), (100, "100 km"), (250, "250 km")]


def municipality_label(name: str, county_name: str) -> str:
    """A municipality by its name, so typing "Bergen" in the list finds it (no number first)."""
    return f"{name} ({county_name})"


class FinderForm(forms.Form):
    q = forms.CharField(
        label=_("Søk etter sykdom, behandling eller stikkord"), required=False, max_length=200
    )
    open = forms.BooleanField(label=_("Bare studier som tar inn deltakere nå"), required=False)
    # The places and categories are reference rows from the shared cache (see __init__).
    region = CodeChoiceField(label=_("Region"))
    hrcs = CodeChoiceField(label=_("Sykdomsområde"))
    age = forms.IntegerField(label=_("Alder (år)"), required=False, min_value=0, max_value=130)
    municipality = CodeChoiceField(label=_("Nær kommune"))
    radius_km = forms.TypedChoiceField(
        label=_("Avstand"), choices=RADIUS_CHOICES, coerce=int, required=False, initial=50, empty_value=50,  # type: ignore[arg-type]  # any value may stand for empty; the stubs say str
        widget=QuickSelect,
    )  # fmt: skip
    sex = forms.ChoiceField(
        label=_("Kan delta som"),
        choices=[("", _("Kvinne eller mann")), ("female", _("Kvinne")), ("male", _("Mann"))],
        widget=QuickSelect,
        required=False,
    )
    phase = forms.ChoiceField(
        label=_("Fase"),
        choices=[("", _("Alle faser"))]
        + [c for c in Study.Phase.choices if c[0] != Study.Phase.NOT_APPLICABLE],
        widget=QuickSelect,
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Type studie"),
        choices=[("", _("Alle typer"))] + list(Study.Category.choices),
        widget=QuickSelect,
        required=False,
    )
    healthy_volunteers = forms.BooleanField(
        label=_("Studier som tar inn friske frivillige"), required=False
    )
    decentralised = forms.BooleanField(
        label=_("Studier der du kan delta hjemmefra (helt eller delvis)"), required=False
    )

    def __init__(self, *args, lang: str = "nb", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        english = lang == "en"
        regions, categories, municipalities = rows_of(
            REGION_ROWS, HEALTH_CATEGORY_ROWS["en" if english else "nb"], MUNICIPALITY_ROWS
        )
        self._choose("region", _("Alle regioner"), [(c, n) for _pk, c, n in regions])
        self._choose(
            "hrcs",
            _("Alle sykdomsområder"),
            [
                (code, label_en if english else label_nb)
                for _pk, code, label_nb, label_en in categories
            ],
        )
        # The municipalities a search can be near: those with a position, by name.
        self.located = {row[1]: row for row in municipalities if row[4] is not None}
        self._choose(
            "municipality",
            _("Hvor som helst"),
            [(code, municipality_label(row[2], row[3])) for code, row in self.located.items()],
        )

    def _choose(self, name: str, empty: str | Promise, choices: list[tuple[str, str]]) -> None:
        cast(CodeChoiceField, self.fields[name]).offer(empty, choices)

    def filter_data(self) -> dict[str, str]:
        data = self.cleaned_data
        out: dict[str, str] = {}
        for name in ("q", "sex", "phase", "category"):
            if data.get(name):
                out[name] = data[name]
        for name in ("open", "healthy_volunteers", "decentralised"):
            if data.get(name):
                out[name] = "true"
        for name in ("region", "hrcs"):
            if data.get(name):
                out[name] = data[name]
        if data.get("age") is not None:
            out["age"] = str(data["age"])
        if data.get("municipality"):
            *_place, latitude, longitude = self.located[data["municipality"]]
            out["near"] = f"{latitude},{longitude}"
            out["radius_km"] = str(data.get("radius_km") or 50)
        return out


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
    """What the list and the study page say about ``study``, worked out once in Python."""
    open_sites = [site for site in study.public_sites if site.is_open]
    places = sorted({site.place for site in study.public_sites})
    title, title_lang = lay_text(study, "lay_title", lang)
    if not title:
        title, title_lang = study.scientific_title, "en"
    summary, summary_lang = lay_text(study, "lay_summary", lang)
    return {
        "study": study,
        "title": title,
        "title_lang": title_lang,
        "summary": summary,
        "teaser": Truncator(summary).words(30, truncate=" …"),
        "summary_lang": summary_lang,
        "open_sites": open_sites,
        "places": ", ".join(places),
        "ages": ages_in_words(study),
        "category": study.get_category_display(),
        "distance": getattr(study, "distance_km", None),
        "status": status_in_words(study, recruiting=bool(open_sites)),
    }


def _finder_queryset(data: dict) -> tuple[object, dict]:
    """The filtered studies (open first, then newest, unless nearest first), or the errors."""
    filterset = PublicStudyFilter(data=data, queryset=selectors.study_public_list())
    if not filterset.is_valid():
        return None, filterset.errors
    queryset = filterset.qs
    if isinstance(queryset, search.NearestStudies):
        return queryset, {}
    return search.study_order_by_relevance(queryset), {}


def _page(request: HttpRequest, queryset):
    raw_page = request.GET.get("page", "1")
    wanted = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10_000 else 1
    paginator = BoundedCountPaginator(
        queryset, PAGE_SIZE, wanted_page=wanted, count_stamp=search.public_study_stamp
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
        rows: list[dict] = []
        page = None
        filter_errors: dict = {}
        queryset = None
        if form.is_valid():
            queryset, filter_errors = _finder_queryset(form.filter_data())
        if queryset is not None:
            page = _page(request, queryset)
            rows = [_row(study, lang) for study in selectors.study_attach_public(page.object_list)]
        params = request.GET.copy()
        params.pop("page", None)
        search_query = _search_query(request.GET)
        return render(
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
                # The study links: the page's language, and the search to go back to.
                "detail_query": f"?lang={lang}"
                + (f"&sok={quote(search_query, safe='/')}" if search_query else ""),
                "lang": lang,
                "language_links": _language_links(request, lang),
            },
        )


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
