"""OpenAPI: the integration API has its own schema, and the public schema leaves it out."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

INTEGRATION_PREFIX = "/api/v1/integration/"


def exclude_integration_endpoints(endpoints):
    return [e for e in endpoints if not e[0].startswith(INTEGRATION_PREFIX)]


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "consents.api.auth.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Token per integrert system (ik_…), avgrenset til systemets organisasjoner.",
        }
