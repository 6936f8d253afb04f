"""Registry imports: one reader per format (``formats``), one service, one report."""

from .report import ImportReport
from .service import ImportContext, import_paths, import_records, record_import

__all__ = ["ImportContext", "ImportReport", "import_paths", "import_records", "record_import"]
