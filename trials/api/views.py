from sites.api.base import PublicReadOnlyViewSet

from .. import selectors
from .filters import PublicStudyFilter
from .serializers import PublicStudySerializer


class PublicStudyViewSet(PublicReadOnlyViewSet):
    """Published studies in the Norwegian health service."""

    serializer_class = PublicStudySerializer
    filterset_class = PublicStudyFilter
    lookup_field = "public_id"
    lookup_value_regex = "KS[0-9A-Z]{8}"

    def get_queryset(self):
        return selectors.study_public_list().order_by("-updated_at", "-id")
