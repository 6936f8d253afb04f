"""FHIR endpoints: the CapabilityStatement, ``ResearchStudy`` search (searchset Bundle) and read.
Public, read-only, JSON only (XML is refused with 406).

Throttled and cached like the public REST API (same per-address limit, same ``ETag`` and
``Last-Modified`` from the public change stamp, 304 before any search runs). Texts and messages
follow ``Accept-Language`` (nb, nn, en), as ``Content-Language`` says.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from rest_framework.request import Request
from rest_framework.views import APIView

from sites.api.caching import conditional_validators, request_not_modified, set_validators
from sites.api.throttling import PublicAnonThrottle, PublicThrottled
from sites.operations.response_cache import public_count, public_response_cache

from .. import selectors
from ..models import Study
from ..selectors import search
from .capability import capability_statement
from .mapping import study_to_research_study
from .search import Search, SearchError, read_search

FHIR_JSON = "application/fhir+json"
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
SUBSETTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "SUBSETTED",
}
MANDATORY_ELEMENTS = {"resourceType", "id", "meta", "status"}


def _response(body: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, content_type=FHIR_JSON)


def _outcome(status: int, code: str, message: str, severity: str = "error") -> JsonResponse:
    return _response(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": message}],
        },
        status=status,
    )


def _lang(request: HttpRequest) -> str:
    lang = (getattr(request, "LANGUAGE_CODE", "nb") or "nb").split("-")[0]
    return lang if lang in ("nb", "nn", "en") else "nb"


def _wants_other_format(request: HttpRequest) -> bool:
    """``_format`` or an ``Accept`` that asks for something other than JSON (XML, most often)."""
    wanted = request.GET.get("_format")
    if wanted is not None:
        return wanted.split(";")[0].strip() not in JSON_FORMATS
    accept = request.headers.get("Accept", "")
    return bool(accept) and not any(kind in accept for kind in ("json", "*/*", "application/*"))


def public_fhir(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Throttle, refuse other formats, then answer a conditional request from the change stamp
    before the view runs."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = PublicAnonThrottle()
        response: HttpResponse
        # The same limit as the REST API's, read from a plain Django request (no DRF view).
        if not throttle.allow_request(Request(request), APIView()):
            limited = PublicThrottled(throttle.wait())
            response = _outcome(429, "throttled", str(limited.detail))
            if limited.wait is not None:
                response["Retry-After"] = str(limited.wait)
        elif _wants_other_format(request):
            response = _outcome(406, "not-supported", gettext("Bare JSON (application/fhir+json)."))
        else:
            response = _conditional(request, view, *args, **kwargs)
        patch_vary_headers(response, ("Accept-Language", "Accept"))
        response["Content-Language"] = _lang(request)
        return response

    return wrapper


def _conditional(request: HttpRequest, view, *args, **kwargs) -> HttpResponse:
    validators = conditional_validators(
        request, stamp=search.public_change_stamp, lang=_lang(request)
    )
    if request_not_modified(request, validators):
        response = HttpResponseNotModified()
    else:
        response = view(request, *args, **kwargs)
    if response.status_code in (200, 304):
        set_validators(response, validators)
    return response


@require_safe
@cache_control(public=True, max_age=60)
@public_fhir
def metadata(request: HttpRequest) -> JsonResponse:
    return _response(capability_statement(base=request.build_absolute_uri("/fhir")))


def _strict(request: HttpRequest) -> bool:
    prefer = request.headers.get("Prefer", "")
    return "handling=strict" in prefer.replace(" ", "")


@public_response_cache(search.public_study_stamp, throttled=True)
@require_safe
@cache_control(public=True, max_age=60)
@public_fhir
def research_study_search(request: HttpRequest) -> JsonResponse:
    try:
        found = read_search(request.GET, queryset=selectors.study_public_list())
    except SearchError as exc:
        return _outcome(400, "value", str(exc))
    if found.ignored and _strict(request):
        message = gettext("Ukjent søkeparameter: %(names)s.") % {"names": ", ".join(found.ignored)}
        return _outcome(400, "not-supported", message)
    if found.summary_count:
        counted = _count(found.queryset)
        return _response(_bundle(request, found, total=counted, entries=[], has_next=False))
    start = (found.page - 1) * found.count
    rows = list(found.queryset[start : start + found.count + 1])  # one more: is there a next?
    if found.page > 1 and not rows:
        return _outcome(404, "not-found", gettext("Siden finnes ikke."))
    total: int | None = None
    if found.total:  # _total=none spares the count
        # The last page knows the total; before it, a count of the same filtered query.
        more = len(rows) > found.count
        total = _count(found.queryset) if more else start + len(rows)
    lang = _lang(request)
    entries = [
        {
            "fullUrl": request.build_absolute_uri(f"/fhir/ResearchStudy/{study.public_id}"),
            "resource": _subset(study_to_research_study(study, lang=lang), found.elements),
            "search": {"mode": "match"},
        }
        for study in selectors.study_attach_public(rows[: found.count])
    ]
    has_next = len(rows) > found.count
    return _response(_bundle(request, found, total=total, entries=entries, has_next=has_next))


def _count(queryset: QuerySet[Study]) -> int:
    """The exact number of matches: the search's own conditions, counted without its order,
    columns or joins, so PostgreSQL reads only the indexes and rows those conditions need; once
    per search and public change (the pages of a search share it)."""
    return public_count(queryset, search.public_study_stamp)


def _subset(resource: dict, elements: list[str]) -> dict:
    """``_elements``: the elements asked for and the mandatory ones, marked SUBSETTED."""
    if not elements:
        return resource
    kept = {k: v for k, v in resource.items() if k in MANDATORY_ELEMENTS or k in elements}
    kept["meta"] = {**resource.get("meta", {}), "tag": [SUBSETTED]}
    return kept


def _bundle(request, found: Search, *, total: int | None, entries: list, has_next: bool) -> dict:
    def link(relation: str, number: int) -> dict:
        params = [(k, v) for k, v in found.used if k not in ("_page", "_count")]
        params += [("_count", str(found.count)), ("_page", str(number))]
        return {"relation": relation, "url": request.build_absolute_uri(f"?{urlencode(params)}")}

    links = [link("self", found.page)]
    if has_next:
        links.append(link("next", found.page + 1))
    if found.page > 1 and entries:
        links.append(link("previous", found.page - 1))
    bundle: dict = {"resourceType": "Bundle", "type": "searchset"}
    if total is not None:
        bundle["total"] = total
    bundle["link"] = links
    if entries:
        bundle["entry"] = entries
    if found.ignored:
        bundle.setdefault("entry", []).append(_ignored_outcome(found.ignored))
    return bundle


def _ignored_outcome(ignored: list[str]) -> dict:
    message = gettext("Ukjente parametere ble ignorert: %(names)s.") % {"names": ", ".join(ignored)}
    return {
        "resource": {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "warning", "code": "not-supported", "diagnostics": message}],
        },
        "search": {"mode": "outcome"},
    }


@public_response_cache(search.public_study_stamp, throttled=True)
@require_safe
@cache_control(public=True, max_age=60)
@public_fhir
def research_study_read(request: HttpRequest, public_id: str) -> JsonResponse:
    study = selectors.study_public_detail().filter(public_id=public_id).first()
    if study is None:
        message = gettext("ResearchStudy/%(id)s finnes ikke.") % {"id": public_id}
        return _outcome(404, "not-found", message)
    (study,) = selectors.study_attach_public([study])
    return _response(study_to_research_study(study, lang=_lang(request)))


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    message = gettext("Finnes ikke: %(path)s. Se /fhir/metadata.") % {"path": request.path}
    response = _outcome(404, "not-found", message)
    response["Content-Language"] = _lang(request)
    patch_vary_headers(response, ("Accept-Language",))
    return response
