"""The OpenAPI description of what every public endpoint shares: its errors and its headers.

Each public operation answers 304, 400, 404, 406 and 429 besides its 200, with the headers a
client caches and backs off by; drf-spectacular documents only the 200 by itself.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "description": "Feil per parameter: navnet på parameteren og hva som er galt med den.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _header(description: str, schema_type: str = "string") -> dict:
    return {"schema": {"type": schema_type}, "description": description}


VALIDATOR_HEADERS = {
    "ETag": _header("Svak eller sterk sammenligning med If-None-Match gir 304."),
    "Last-Modified": _header("Når noe offentlig sist ble endret (If-Modified-Since gir 304)."),
}
OK_HEADERS = {
    **VALIDATOR_HEADERS,
    "Cache-Control": _header("Hvor lenge svaret kan mellomlagres."),
    "Content-Language": _header("Språket svaret er skrevet på (nb, nn eller en)."),
    "Vary": _header("Accept-Language: svaret avhenger av språket."),
}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


ERROR_RESPONSES = {
    "304": {"description": "Uendret siden kopien klienten har.", "headers": VALIDATOR_HEADERS},
    "400": {"description": "Ugyldig parameter.", "content": _json(_FIELD_ERRORS)},
    "404": {"description": "Finnes ikke (eller er ikke offentlig).", "content": _json(_DETAIL)},
    "406": {"description": "Kan ikke svare i formatet Accept ber om.", "content": _json(_DETAIL)},
    "429": {
        "description": "For mange forespørsler fra denne adressen.",
        "content": _json(_DETAIL),
        "headers": {"Retry-After": _header("Sekunder før neste forsøk.", "integer")},
    },
}

REQUEST_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description='ETag fra et tidligere svar (W/"…" godtas); uendret gir 304.',
    ),
    OpenApiParameter(
        "Accept-Language",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="nb, nn eller en når lang= ikke er gitt.",
    ),
]


class PublicAutoSchema(AutoSchema):
    """drf-spectacular's schema plus the errors and headers of ``sites.api.endpoints``."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *REQUEST_HEADERS]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method not in ("GET", "HEAD"):
            return responses
        for code, response in responses.items():
            if code.startswith("2"):
                response.setdefault("headers", {}).update(OK_HEADERS)
        for code, response in ERROR_RESPONSES.items():
            responses.setdefault(code, response)
        return responses
