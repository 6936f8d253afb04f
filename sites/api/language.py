"""The language of a public response: ``lang=`` or the Accept-Language negotiation."""

from django.utils import translation

PUBLIC_LANGUAGES = ("nb", "nn", "en")


def public_language(request) -> str:
    """``lang=`` if given (validated by the view), else the Accept-Language negotiation."""
    lang = request.query_params.get("lang") if hasattr(request, "query_params") else None
    if lang in PUBLIC_LANGUAGES:
        return lang
    current = (translation.get_language() or "nb").split("-")[0]
    return current if current in PUBLIC_LANGUAGES else "nb"
