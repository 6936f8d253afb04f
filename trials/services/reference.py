"""Reference data of studies: the HRCS health categories and research activity codes."""

from pathlib import Path

from django.db import transaction

from sites.services import LoadResult, read_reference_csv, upsert_reference_row

from ..models import HealthCategory, ResearchActivity

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "reference"


@transaction.atomic
def hrcs_load(*, directory: Path = REFERENCE_DIR, result: LoadResult | None = None) -> LoadResult:
    """Load the 21 HRCS health categories and 48 research activity codes (idempotent)."""
    result = result or LoadResult()
    for row in read_reference_csv(directory / "hrcs_health_categories.csv"):
        upsert_reference_row(
            HealthCategory,
            {"code": row["code"]},
            {
                "identifier": row["identifier"],
                "label_nb": row["label_nb"],
                "label_en": row["label_en"],
                "description_en": row["description_en"],
            },
            result,
            "HRCS helsekategorier",
        )
    for row in read_reference_csv(directory / "hrcs_research_activities.csv"):
        upsert_reference_row(
            ResearchActivity,
            {"code": row["code"]},
            {
                "group_code": int(row["group_code"]),
                "group_nb": row["group_nb"],
                "group_en": row["group_en"],
                "label_nb": row["label_nb"],
                "label_en": row["label_en"],
            },
            result,
            "HRCS forskningsaktiviteter",
        )
    return result
