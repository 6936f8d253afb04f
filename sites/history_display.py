"""How a recorded change reads on a history page: labels, not stored values.

simple-history shows what is stored (``cancelled → draft``, ``None``, ``True``); a coordinator
reads the field's choice label (``Kansellert → Utkast``), "ja"/"nei", a Norwegian date and "–" for
an empty value.
"""

import datetime as dt
from typing import Any

from django.db.models import Field
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "–"


def history_value(field: Field, value: Any) -> Any:
    """One stored value as a person reads it."""
    if value in (None, ""):
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nei")
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


class HistoryContextHelper(HistoricalRecordContextHelper):
    """The changes column of every history page in the admin (see ``ScopedAdmin``)."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if field.many_to_many or field.is_relation:
            return super().prepare_delta_change_value(change, value)
        return history_value(field, value)
