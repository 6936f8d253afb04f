"""The one base for public, read-only API endpoints: permissions, throttling, pagination, renderers."""

from rest_framework import pagination, permissions, renderers, throttling, viewsets


class PublicPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Anonymous, throttled, JSON only. Subclasses supply a queryset from a ``public`` selector."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [throttling.AnonRateThrottle]
    renderer_classes = [renderers.JSONRenderer]
    pagination_class = PublicPagination
