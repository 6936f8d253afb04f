"""Token authentication for integrating systems: ``Authorization: Bearer ik_…``.

Every refused token is a ``integration_auth_failed`` event in the security log, with the reason
(missing, malformed, unknown, revoked), the client address and, for a revoked token, the system's
name. The token itself is never logged.
"""

import logging

from rest_framework import authentication, exceptions, permissions

from sites.security.security_log import security_event

from ..models import IntegrationClient
from ..services.integration import integration_client_authenticate, token_hash


def _refused(request, reason: str, client: str | None = None) -> None:
    # The Django request, not DRF's: asking DRF's for its user would authenticate again.
    security_event(
        "integration_auth_failed",
        request=getattr(request, "_request", request),
        level=logging.WARNING,
        reason=reason,
        client=client,
    )


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            # No token: the permission check answers 401. The only authentication of these views.
            _refused(request, "missing" if not header else "malformed")
            return None
        if len(header) != 2:
            _refused(request, "malformed")
            raise exceptions.AuthenticationFailed("Ugyldig Authorization-header.")
        client = integration_client_authenticate(token=header[1])
        if client is None:
            revoked = (
                IntegrationClient.objects.filter(token_hash=token_hash(header[1]), is_active=False)
                .values_list("name", flat=True)
                .first()
            )
            _refused(request, "revoked" if revoked else "unknown", client=revoked)
            raise exceptions.AuthenticationFailed("Ukjent eller deaktivert token.")
        return (None, client)

    def authenticate_header(self, request) -> str:
        return self.keyword


class IsIntegrationClient(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, IntegrationClient)
