"""FHIR endpoints: ``ResearchStudy`` search (searchset Bundle) and read. Public, read-only.

Throttled and cached like the public REST API (same per-address limit, same ``ETag`` and
``Last-Modified`` from the public change stamp, 304 before any search runs).
"""

import math
from collections.abc import Callable
from functools import wraps

from django.core.paginator import EmptyPage
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from sites.api.base import (
    BoundedCountPaginator,
    PublicAnonThrottle,
    conditional_validators,
    request_not_modified,
    set_validators,
)
from sites.operations.response_cache import public_response_cache

from .. import search, selectors
from ..models import Study
from .mapping import STATUS, study_to_research_study

FHIR_JSON = "application/fhir+json"
SEARCH_PARAMS = {"status", "keyword", "_count", "_page", "_format"}
MAX_COUNT = 100

_STATUS_TO_OURS: dict[str, list[str]] = {}
for ours, theirs in STATUS.items():
    if ours not in (Study.Status.DRAFT, Study.Status.WITHDRAWN):
        _STATUS_TO_OURS.setdefault(theirs, []).append(ours)


def _response(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, content_type=FHIR_JSON)


def _outcome(status: int, code: str, message: str) -> JsonResponse:
    return _response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": code, "diagnostics": message}],
        },
        status=status,
    )


def _lang(request: HttpRequest) -> str:
    lang = (getattr(request, "LANGUAGE_CODE", "nb") or "nb").split("-")[0]
    return lang if lang in ("nb", "nn", "en") else "nb"


def public_fhir(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Throttle, then answer a conditional request from the change stamp before the view runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = PublicAnonThrottle()
        if not throttle.allow_request(request, None):
            response = _outcome(429, "throttled", "For mange forespørsler. Prøv igjen senere.")
            wait = throttle.wait()
            if wait is not None:
                response["Retry-After"] = str(math.ceil(wait))
            return response
        validators = conditional_validators(
            request, stamp=search.public_change_stamp, lang=_lang(request)
        )
        if request_not_modified(request, validators):
            response = HttpResponseNotModified()
        else:
            response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            set_validators(response, validators)
        patch_vary_headers(response, ("Accept-Language",))
        return response

    return wrapper


@public_response_cache(search.public_study_stamp, throttled=True)
@require_safe
@cache_control(public=True, max_age=60)
@public_fhir
def research_study_search(request: HttpRequest) -> JsonResponse:
    unknown = sorted(set(request.GET) - SEARCH_PARAMS)
    if unknown:
        return _outcome(400, "not-supported", f"Ukjent søkeparameter: {', '.join(unknown)}.")
    queryset = selectors.study_public_list()
    statuses = [s for value in request.GET.getlist("status") for s in value.split(",") if s]
    if statuses:
        bad = [s for s in statuses if s not in _STATUS_TO_OURS]
        if bad:
            allowed = ", ".join(sorted(_STATUS_TO_OURS))
            return _outcome(400, "value", f"Ugyldig status {bad[0]!r}; tillatt: {allowed}.")
        queryset = queryset.filter(status__in=[o for s in statuses for o in _STATUS_TO_OURS[s]])
    for keyword in request.GET.getlist("keyword"):
        queryset = search.study_filter_text(queryset=queryset, q=keyword[:200])
    try:
        count = int(request.GET.get("_count", 20))
        page_number = int(request.GET.get("_page", 1))
    except ValueError:
        return _outcome(400, "value", "_count og _page må være heltall.")
    if not (1 <= count <= MAX_COUNT) or page_number < 1:
        return _outcome(400, "value", f"_count må være 1–{MAX_COUNT}, _page minst 1.")
    paginator = BoundedCountPaginator(
        queryset.order_by("-updated_at", "-id"), count, wanted_page=page_number
    )
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return _outcome(404, "not-found", "Siden finnes ikke.")
    lang = _lang(request)

    def link(relation: str, number: int) -> dict:
        params = request.GET.copy()
        params["_page"] = str(number)
        params["_count"] = str(count)
        return {"relation": relation, "url": request.build_absolute_uri(f"?{params.urlencode()}")}

    links = [link("self", page_number)]
    if page.has_next():
        links.append(link("next", page_number + 1))
    if page.has_previous():
        links.append(link("previous", page_number - 1))
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": paginator.count,
        "link": links,
        "entry": [
            {
                "fullUrl": request.build_absolute_uri(f"/fhir/ResearchStudy/{study.public_id}"),
                "resource": study_to_research_study(study, lang=lang),
                "search": {"mode": "match"},
            }
            for study in selectors.study_attach_public(page.object_list)
        ],
    }
    return _response(bundle)


@public_response_cache(search.public_study_stamp, throttled=True)
@require_safe
@cache_control(public=True, max_age=60)
@public_fhir
def research_study_read(request: HttpRequest, public_id: str) -> JsonResponse:
    study = selectors.study_public_detail().filter(public_id=public_id).first()
    if study is None:
        return _outcome(404, "not-found", f"ResearchStudy/{public_id} finnes ikke.")
    (study,) = selectors.study_attach_public([study])
    return _response(study_to_research_study(study, lang=_lang(request)))
