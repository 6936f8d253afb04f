"""The textbook DRF endpoint we compare against: a ModelViewSet with nested ModelSerializers and
one prefetch, page-number pagination with a full count, joins + distinct for site filters."""

from django.db.models import Q
from rest_framework import pagination, serializers, viewsets

from sites.models import Organisation
from trials.models import HealthCategory, Study, StudySite
from trials.models.search import open_first
from trials.selectors import study_public_queryset
from trials.selectors.search_terms import search_terms
from trials.selectors.word_similarity import similar_words


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["name", "orgnr", "region", "municipality", "latitude", "longitude"]


class SiteSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer()

    class Meta:
        model = StudySite
        fields = ["organisation", "status", "contact_name", "contact_email", "contact_phone"]


class HrcsSerializer(serializers.ModelSerializer):
    class Meta:
        model = HealthCategory
        fields = ["code", "label_nb"]


class StudySerializer(serializers.ModelSerializer):
    sites = SiteSerializer(many=True)
    hrcs_categories = HrcsSerializer(many=True)

    class Meta:
        model = Study
        fields = [
            "public_id", "scientific_title", "lay_title_nb", "lay_summary_nb", "status",
            "category", "phase", "conditions", "min_age", "max_age", "sex", "sponsor_type",
            "target_enrolment", "updated_at", "sites", "hrcs_categories",
        ]  # fmt: skip


class Pages(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"


class NaiveStudyViewSet(viewsets.ReadOnlyModelViewSet):
    """What a competent developer writes first: one prefetch for the nested rows, one filter per
    question (an open site *in* the region is one ``filter()`` on the same site), each search
    term as one ``contains`` per piece it stands for (or per word like it, when none is found),
    our ordering; the same
    ids as our endpoint (bench/run.py checks)."""

    serializer_class = StudySerializer
    pagination_class = Pages
    authentication_classes: list = []
    permission_classes: list = []

    def get_queryset(self):
        qs = study_public_queryset().prefetch_related("sites__organisation", "hrcs_categories")
        p = self.request.query_params
        site = {}
        if p.get("open") == "true":
            site["sites__status"] = "open"
        if p.get("region"):
            site["sites__organisation__region__code"] = p["region"]
        if site:
            qs = qs.filter(**site)
        if p.get("hrcs"):
            qs = qs.filter(hrcs_categories__code=p["hrcs"])
        if p.get("age"):
            age = int(p["age"])
            qs = qs.filter(
                Q(min_age__isnull=True) | Q(min_age__lte=age),
                Q(max_age__isnull=True) | Q(max_age__gte=age),
            )
        if not p.get("q"):
            return qs.distinct().order_by("-updated_at", "-id")
        within = qs
        for term in search_terms(p["q"]):
            match = self.any_piece(term.pieces)
            if term.similar and not within.filter(match).exists():
                match = self.any_piece(similar_words(word=term.similar, queryset=within) or ())
            qs = qs.filter(match)
        return qs.distinct().order_by(open_first().desc(), "-updated_at", "-id")

    @staticmethod
    def any_piece(pieces: tuple[str, ...]) -> Q:
        match = Q(pk__in=[])
        for piece in pieces:
            match |= Q(search_text__contains=piece)
        return match
