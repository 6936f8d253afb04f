"""The client's address, as the trusted proxies in front of the app saw it (``TRUSTED_PROXY_COUNT``).

With nothing in front (0) it is ``REMOTE_ADDR``: an ``X-Forwarded-For`` sent by the client is
ignored. With *n* proxies, each appends the address it received the request from to
``X-Forwarded-For``, so the client is the *n*-th entry from the right; whatever the client wrote
to the left of it is ignored. The rate limits (``sites.api.throttling``), the sign-in lockout
(django-axes, ``AXES_CLIENT_IP_CALLABLE``) and the security log all ask :func:`client_address`.
"""

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip


def client_address(*, request: HttpRequest | None) -> str | None:
    """The client's IP address, or None when the request names none."""
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    # django-ipware counts the proxies listed in the header; ours counts the proxies in front,
    # whose last one writes the client into the header: the client is entry -(proxies) either way.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    # No usable header (a health probe from inside, a misconfigured proxy): the direct peer.
    return address or remote


def axes_client_address(request: HttpRequest) -> str | None:
    """django-axes calls its ``AXES_CLIENT_IP_CALLABLE`` with the request as the only argument."""
    return client_address(request=request)
