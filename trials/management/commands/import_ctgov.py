"""manage.py import_ctgov PATH… — the older name of ``import_registry`` (kept for scripts)."""

from .import_registry import Command as ImportRegistry


class Command(ImportRegistry):
    help = "Samme som import_registry (tidligere bare ClinicalTrials.gov API v2 JSON)."
