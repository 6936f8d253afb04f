"""How a recorded change reads on a history page: labels, not stored values.

simple-history shows what is stored (``cancelled → draft``, ``None``, ``True``); a coordinator
reads the field's choice label (``Kansellert → Utkast``), "ja"/"nei", a Norwegian date and "–" for
an empty value. A field whose stored value is a code list or table (a JSON list of intervention
types, figures per profession) has a formatter, registered by the app that knows its words
(``history_formatter_register``), so it reads as "Legemiddel, Kosttilskudd" or "Lege: 3".
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Field, Model
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "–"

HistoryFormatter = Callable[[Any], str]
_FORMATTERS: dict[tuple[str, str], HistoryFormatter] = {}


def history_formatter_register(
    model: type[Model], field_name: str, formatter: HistoryFormatter
) -> None:
    """How a field's stored value reads on every history page: ``formatter(value)``."""
    _FORMATTERS[(model._meta.label_lower, field_name)] = formatter


def _formatter(field: Field) -> HistoryFormatter | None:
    model = getattr(field, "model", None)
    return _FORMATTERS.get((model._meta.label_lower, field.name)) if model is not None else None


def history_value(field: Field, value: Any) -> Any:
    """One stored value as a person reads it."""
    if value in (None, ""):
        return EMPTY
    formatter = _formatter(field)
    if formatter is not None:
        return formatter(value)
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
