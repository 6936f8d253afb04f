"""Public, read-only endpoints over published studies. Thin: selectors do the reading."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from sites.api.endpoints import PublicAPIView, PublicReadOnlyViewSet
from sites.spreadsheet import csv_value

from .. import selectors
from ..models import HealthCategory, Study
from ..selectors import search, statistics
from ..validators import PUBLIC_ID_PATTERN
from .filters import ORDERINGS, BoundedIsoDateTimeField, PublicStudyFilter
from .serializers import PublicStudySerializer, public_study_dict

LANG_PARAM = OpenApiParameter(
    "lang",
    str,
    enum=["nb", "nn", "en"],
    description="Språk for populærtekster (ellers Accept-Language; faller tilbake til bokmål).",
)
EXPORT_CHUNK = 500
CSV_COLUMNS = [
    "id", "rek", "eu_ct", "eudract", "nct", "isrctn", "lay_title", "scientific_title", "status",
    "is_open", "category", "phase", "hrcs_categories", "conditions", "min_age", "max_age", "sex",
    "healthy_volunteers", "sponsor_name", "sponsor_type", "decentralised", "target_enrolment",
    "opened_on", "planned_recruitment_end_on", "regions", "open_sites", "updated_at", "language",
    "lay_summary",
]  # fmt: skip


DIALECT_PARAM = OpenApiParameter(
    "dialect",
    str,
    enum=["standard", "excel"],
    description="standard: komma, UTF-8. excel: semikolon, UTF-8 med BOM og CRLF, slik norsk "
    "Excel åpner filen riktig med et dobbeltklikk.",
)
SINCE_PARAM = OpenApiParameter(
    "since",
    OpenApiTypes.DATETIME,
    required=True,
    description="Studier som har forlatt den offentlige listen fra og med dette tidspunktet.",
)


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class JSONLinesRenderer(renderers.BaseRenderer):
    media_type = "application/jsonl"
    format = "jsonl"
    charset = "utf-8"


def _csv_cell(value) -> str:
    """Spreadsheet-safe text: a cell may not start a formula."""
    return str(csv_value(value))


def _csv_row(row: dict) -> list[str]:
    sites = row["sites"]
    flat = {
        **row,
        **{k: v for k, v in row["identifiers"].items()},
        **{k: v for k, v in row["eligibility"].items() if k != "criteria"},
        "hrcs_categories": ";".join(c["code"] for c in row["hrcs_categories"]),
        "conditions": "; ".join(row["conditions"]),
        "sponsor_name": row["sponsor"]["name"],
        "sponsor_type": row["sponsor"]["type"],
        "regions": ";".join(sorted({s["region"] for s in sites if s["region"]})),
        "open_sites": "; ".join(s["organisation"] for s in sites if s["is_open"]),
    }
    return [_csv_cell(flat.get(column)) for column in CSV_COLUMNS]


class PublicWithdrawnStudySerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    left_at = serializers.DateTimeField(
        source="updated_at", help_text="Sist endret; senest da studien forlot listen."
    )


@extend_schema(parameters=[LANG_PARAM])
class PublicStudyViewSet(PublicReadOnlyViewSet):
    """Published studies in the Norwegian health service."""

    serializer_class = PublicStudySerializer
    filterset_class = PublicStudyFilter
    lookup_field = "public_id"
    lookup_value_regex = PUBLIC_ID_PATTERN
    # The studies show "enrolled": their validators move with the enrolments too.
    change_stamp = staticmethod(search.public_study_stamp)
    response_cache = staticmethod(search.public_study_stamp)
    filtered_actions = ("list", "export_csv", "export_jsonl")
    paginated_actions = ("list", "withdrawn")

    def allowed_query_params(self) -> set[str]:
        allowed = super().allowed_query_params()
        extra = {"export_csv": {"dialect"}, "withdrawn": {"since"}}.get(self.action, set())
        return allowed | extra

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.study_public_detail()
        return selectors.study_public_list().order_by("-updated_at", "-id")

    def get_renderers(self):
        if getattr(self, "action", None) == "export_csv":
            return [CSVRenderer()]
        if getattr(self, "action", None) == "export_jsonl":
            return [JSONLinesRenderer()]
        return super().get_renderers()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action in ("export_csv", "export_jsonl") and isinstance(response, Response):
            # Errors and 304s of an export are plain JSON, like everywhere else in the API.
            response.accepted_renderer = renderers.JSONRenderer()
            response.accepted_media_type = "application/json"
        return response

    def list(self, request, *args, **kwargs):
        lang = self.get_serializer_context()["lang"]
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        page = selectors.study_attach_public(page or [])
        return self.get_paginated_response([public_study_dict(s, lang=lang) for s in page])

    def retrieve(self, request, *args, **kwargs):
        lang = self.get_serializer_context()["lang"]
        (study,) = selectors.study_attach_public([self.get_object()])
        return Response(public_study_dict(study, lang=lang))

    def _export_order(self) -> tuple[str, ...]:
        """The order asked for; nearest first with ``near`` (as the list), else by id."""
        ordering = self.request.query_params.get("ordering") or None
        if "near" in self.request.query_params and ordering in (None, "distance"):
            return ("distance_km", "public_id")
        return ORDERINGS[ordering] if ordering else ("public_id",)

    def _export_rows(self):
        queryset = self.filter_queryset(self.get_queryset()).order_by(*self._export_order())
        lang = self.get_serializer_context()["lang"]
        chunk: list = []
        for study in queryset.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(study)
            if len(chunk) == EXPORT_CHUNK:
                yield from self._export_chunk(chunk, lang)
                chunk = []
        yield from self._export_chunk(chunk, lang)

    @staticmethod
    def _export_chunk(studies: Iterable[Study], lang: str) -> Iterator[dict[str, Any]]:
        for study in selectors.study_attach_public(studies):
            yield public_study_dict(study, lang=lang)

    @extend_schema(
        parameters=[DIALECT_PARAM],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
        description="Alle studier som filteret treffer, som CSV (strømmes).",
    )
    def export_csv(self, request, *args, **kwargs):
        dialect = request.query_params.get("dialect") or "standard"
        if dialect not in ("standard", "excel"):
            raise ValidationError({"dialect": [gettext("Må være standard eller excel.")]})
        rows = self._export_rows()
        excel = dialect == "excel"

        def stream():
            buffer = io.StringIO()
            if excel:
                buffer.write("\ufeff")  # the BOM tells Excel the file is UTF-8
            writer = csv.writer(buffer, delimiter=";" if excel else ",")
            writer.writerow(CSV_COLUMNS)
            for row in rows:
                writer.writerow(_csv_row(row))
                if buffer.tell() > 64_000:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="studier.csv"'
        return response

    @extend_schema(
        responses={(200, "application/jsonl"): OpenApiResponse(OpenApiTypes.STR)},
        description="Alle studier som filteret treffer, én JSON-linje per studie (strømmes).",
    )
    def export_jsonl(self, request, *args, **kwargs):
        lines = (
            json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in self._export_rows()
        )
        response = StreamingHttpResponse(lines, content_type="application/jsonl; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="studier.jsonl"'
        return response

    @extend_schema(
        parameters=[SINCE_PARAM],
        responses=PublicWithdrawnStudySerializer(many=True),
        description="Studier som har forlatt den offentlige listen (avpublisert, trukket "
        "tilbake eller satt tilbake til utkast) siden et tidspunkt: det en høster trenger for å "
        "slette sin kopi. En studie som senere publiseres igjen, er ikke med.",
    )
    @action(detail=False, url_path="withdrawn", url_name="withdrawn")
    def withdrawn(self, request, *args, **kwargs):
        raw = request.query_params.get("since")
        try:
            since = BoundedIsoDateTimeField(required=True).clean(raw)
        except DjangoValidationError as exc:
            raise ValidationError({"since": exc.messages}) from exc
        queryset = selectors.study_left_public_since(since=since)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(PublicWithdrawnStudySerializer(page, many=True).data)


class PublicHealthCategoryOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (DRF moves it off the class), not Field.label
    label_en = serializers.CharField()
    open_studies = serializers.IntegerField()


@extend_schema(parameters=[LANG_PARAM])
class PublicHealthCategoryViewSet(PublicReadOnlyViewSet):
    """The 21 HRCS health categories, with the number of studies open for inclusion in each."""

    serializer_class = PublicHealthCategoryOutput
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2}"
    change_stamp = staticmethod(search.public_change_stamp)

    def get_queryset(self):
        return HealthCategory.objects.order_by("code")

    def _rows(self, categories):
        counts = statistics.open_study_counts_by_hrcs()
        lang = self.get_serializer_context()["lang"]
        return [
            {
                "code": c.code,
                "label": c.label_en if lang == "en" else c.label_nb,
                "label_en": c.label_en,
                "open_studies": counts.get(c.pk, 0),
            }
            for c in categories
        ]

    def list(self, request, *args, **kwargs):
        return Response(PublicHealthCategoryOutput(self._rows(self.get_queryset()), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(PublicHealthCategoryOutput(self._rows([self.get_object()])[0]).data)


class _RegionCount(serializers.Serializer):
    region = serializers.CharField()
    name = serializers.CharField()
    open_studies = serializers.IntegerField()
    participants = serializers.IntegerField(
        allow_null=True, help_text="Deltakere; null når færre enn 5 (skjermet)."
    )


class _HrcsCount(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (DRF moves it off the class), not Field.label
    open_studies = serializers.IntegerField()


class _CategoryCount(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (DRF moves it off the class), not Field.label
    open_studies = serializers.IntegerField()


class PublicStatisticsOutput(serializers.Serializer):
    open_studies = serializers.IntegerField()
    suppression_threshold = serializers.IntegerField()
    by_region = _RegionCount(many=True)
    by_hrcs_category = _HrcsCount(many=True)
    by_category = _CategoryCount(many=True)


@extend_schema(parameters=[LANG_PARAM], responses=PublicStatisticsOutput)
class PublicStatisticsView(PublicAPIView):
    """Studies open for inclusion by region, HRCS category and category; small counts of people
    are suppressed."""

    serializer_class = PublicStatisticsOutput
    change_stamp = staticmethod(search.public_change_stamp)

    def get(self, request, *args, **kwargs):
        lang = self.get_serializer_context()["lang"]
        return Response(PublicStatisticsOutput(statistics.public_statistics(lang=lang)).data)
