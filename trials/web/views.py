"""Study finder pages. They read through the same filter set and selectors as the public API."""

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from sites.api.base import BoundedCountPaginator
from sites.models import Municipality, Region
from sites.operations.response_cache import public_response_cache

from .. import search, selectors
from ..api.filters import PublicStudyFilter
from ..api.serializers import lay_text
from ..models import HealthCategory
from .site_map import HEIGHT, MARKER_RADIUS, WIDTH, site_markers, sites_on_map

LANGUAGES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
PAGE_SIZE = 20
RADIUS_CHOICES = [(10, "10 km"), (25, "25 km"), (50, "50 km"), (100, "100 km"), (250, "250 km")]


class FinderForm(forms.Form):
    q = forms.CharField(
        label=_("Søk etter sykdom, behandling eller stikkord"), required=False, max_length=200
    )
    open = forms.BooleanField(label=_("Bare studier som tar inn deltakere nå"), required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Alle regioner"),
    )
    hrcs = forms.ModelChoiceField(
        label=_("Sykdomsområde"),
        queryset=HealthCategory.objects.order_by("label_nb"),
        to_field_name="code",
        required=False,
        empty_label=_("Alle sykdomsområder"),
    )
    age = forms.IntegerField(label=_("Alder (år)"), required=False, min_value=0, max_value=130)
    municipality = forms.ModelChoiceField(
        label=_("Nær kommune"),
        queryset=Municipality.objects.filter(latitude__isnull=False).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("Hvor som helst"),
    )
    radius_km = forms.TypedChoiceField(
        label=_("Avstand"), choices=RADIUS_CHOICES, coerce=int, required=False, initial=50, empty_value=50,
    )  # fmt: skip

    def filter_data(self) -> dict[str, str]:
        data = self.cleaned_data
        out: dict[str, str] = {}
        if data.get("q"):
            out["q"] = data["q"]
        if data.get("open"):
            out["open"] = "true"
        if data.get("region"):
            out["region"] = data["region"].code
        if data.get("hrcs"):
            out["hrcs"] = data["hrcs"].code
        if data.get("age") is not None:
            out["age"] = str(data["age"])
        if data.get("municipality"):
            m = data["municipality"]
            out["near"] = f"{m.latitude},{m.longitude}"
            out["radius_km"] = str(data.get("radius_km") or 50)
        return out


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in LANGUAGES else "nb"


def _language_links(request: HttpRequest, current: str) -> list[dict]:
    links = []
    for code, name in LANGUAGES.items():
        params = request.GET.copy()
        params["lang"] = code
        params.pop("page", None)
        links.append(
            {"code": code, "name": name, "query": params.urlencode(), "current": code == current}
        )
    return links


def _row(study, lang: str) -> dict:
    open_sites = [site for site in study.public_sites if site.is_open]
    places = sorted({site.place for site in study.public_sites})
    return {
        "study": study,
        "title": lay_text(study, "lay_title", lang)[0] or study.scientific_title,
        "summary": lay_text(study, "lay_summary", lang)[0],
        "open_sites": open_sites,
        "places": places,
        "distance": getattr(study, "distance_km", None),
    }


@public_response_cache(search.public_study_stamp)
@require_safe
@cache_control(public=True, max_age=60)
def study_list(request: HttpRequest) -> HttpResponse:
    lang = _language(request)
    with translation.override(lang):
        form = FinderForm(request.GET or None)
        rows: list[dict] = []
        page = None
        filter_errors = {}
        if form.is_bound and not form.is_valid():
            queryset = None
        else:
            data = form.filter_data() if form.is_bound else {}
            filterset = PublicStudyFilter(data=data, queryset=selectors.study_public_list())
            if filterset.is_valid():
                queryset = filterset.qs
            else:
                filter_errors = filterset.errors
                queryset = None
        if queryset is not None:
            raw_page = request.GET.get("page", "1")
            wanted = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 10_000 else 1
            paginator = BoundedCountPaginator(queryset, PAGE_SIZE, wanted_page=wanted)
            try:
                page = paginator.page(wanted)
            except (EmptyPage, PageNotAnInteger):
                page = paginator.page(1)
            studies = selectors.study_attach_public(page.object_list)
            rows = [_row(study, lang) for study in studies]
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "trials/finder/list.html",
            {
                "form": form,
                "rows": rows,
                "page": page,
                "filter_errors": filter_errors,
                "query_without_page": params.urlencode(),
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
    if study is None:
        raise Http404
    (study,) = selectors.study_attach_public([study])
    with translation.override(lang):
        row = _row(study, lang)
        markers = site_markers(study.public_sites, open_label=gettext("tar inn deltakere"))
        return render(
            request,
            "trials/finder/detail.html",
            {
                **row,
                "sites": study.public_sites,
                "map": {"width": WIDTH, "height": HEIGHT, "radius": MARKER_RADIUS},
                "map_markers": markers,
                "map_sites": sites_on_map(markers),
                "lang": lang,
                "language_links": _language_links(request, lang),
            },
        )
