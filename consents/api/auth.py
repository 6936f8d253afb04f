"""Token authentication for integrating systems: ``Authorization: Bearer ik_…``."""

from rest_framework import authentication, exceptions, permissions

from ..models import IntegrationClient
from ..services.integration import integration_client_authenticate


class IntegrationTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Ugyldig Authorization-header.")
        client = integration_client_authenticate(token=header[1])
        if client is None:
            raise exceptions.AuthenticationFailed("Ukjent eller deaktivert token.")
        return (None, client)

    def authenticate_header(self, request) -> str:
        return self.keyword


class IsIntegrationClient(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, IntegrationClient)
