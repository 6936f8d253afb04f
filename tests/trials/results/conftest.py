import csv
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "nordic_trial_reporting"
if not DATA.exists():
    DATA = Path("/work/shared/data/nordic_trial_reporting")
NORWAY = DATA / "analysis-2023-11-28_NORWAY_only.csv"
TABLES = DATA / "tables"

needs_data = pytest.mark.skipif(not NORWAY.exists(), reason="shared reference data not present")


def published_table(name: str) -> dict[str, dict[str, str]]:
    """One of the paper's institution tables, by institution."""
    with (TABLES / f"institution-{name}-2023-11-28.csv").open(encoding="utf-8") as handle:
        return {row["institution"]: row for row in csv.DictReader(handle)}
