"""A figure per key as a small table in a form: one row per profession or HRCS health category,
a number in each. Stored as the JSON object its readers expect, ``{"lege": 120, "psykolog": 9}``;
an empty row is "not reported" and left out.

The rules on the stored object (which keys, whole numbers from 0) belong to the model field's
validator, so a service's ``full_clean`` and the form refuse the same things; the field itself
only turns what was typed into numbers, and says which row could not be read.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

Rows = Sequence[tuple[str, Any]]  # (key, label)


class CountsTableWidget(forms.MultiWidget):
    """A table of labelled number inputs, one per row; the inputs are named ``<field>_<key>``."""

    template_name = "sites/widgets/counts_table.html"

    def __init__(self, rows: Rows, attrs: dict[str, Any] | None = None) -> None:
        self.rows = list(rows)
        number = {"min": "0", "step": "1", "class": "vIntegerField", "inputmode": "numeric"}
        super().__init__({key: forms.NumberInput(attrs=number) for key, _ in self.rows}, attrs)

    def decompress(self, value: Any) -> list[Any]:
        counts = value if isinstance(value, Mapping) else {}
        return [counts.get(key) for key, _label in self.rows]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["rows"] = [
            {"key": key, "label": label, "input": sub}
            for (key, label), sub in zip(self.rows, context["widget"]["subwidgets"], strict=True)
        ]
        return context

    def id_for_label(self, id_: str) -> str:
        return ""  # each row's input has its own label; the field's label names the table


class CountsField(forms.Field):
    """Numbers per key from a fixed list of rows (``rows``: key and label)."""

    default_error_messages = {
        "not_a_count": _("%(row)s: skriv et helt tall, 0 eller mer (ikke «%(value)s»)."),
    }

    def __init__(self, *, rows: Rows, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        self.rows = list(rows)
        super().__init__(widget=CountsTableWidget(self.rows), **kwargs)

    def show_stored(self, stored: Any) -> None:
        """Adds a row for each stored key that is not in the list, so its number is seen (and
        refused by the model's rule until it is moved to a listed row and this one emptied)."""
        known = {key for key, _label in self.rows}
        extra = [k for k in self.prepare_value(stored) if k not in known]
        if extra:
            self.rows += [(k, _("«%(key)s» (ukjent)") % {"key": k}) for k in extra]
            self.widget = CountsTableWidget(self.rows)

    def prepare_value(self, value: Any) -> dict[str, Any]:
        if isinstance(value, str):  # the JSON text of an older form
            try:
                value = json.loads(value)
            except ValueError:
                return {}
        return dict(value) if isinstance(value, Mapping) else {}

    def to_python(self, value: Any) -> dict[str, int]:
        if isinstance(value, Mapping):
            return dict(value)
        typed = list(value) if isinstance(value, list | tuple) else []
        counts: dict[str, int] = {}
        errors = []
        for (key, label), raw in zip(self.rows, typed, strict=False):
            text = "".join(str(raw if raw is not None else "").split())  # "5 400" → "5400"
            if not text:
                continue
            if not (text.isascii() and text.isdigit()):
                errors.append(
                    ValidationError(
                        self.error_messages["not_a_count"],
                        code="not_a_count",
                        params={"row": label, "value": raw},
                    )
                )
                continue
            counts[key] = int(text)
        if errors:
            raise ValidationError(errors)
        return counts

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.prepare_value(initial) != self.to_python(data)
        except ValidationError:
            return True


def counts_display(counts: Any, rows: Rows) -> str:
    """The figures in words for a read-only page: "Lege: 120, Psykolog: 9" (listed order)."""
    stored = counts if isinstance(counts, Mapping) else {}
    labels = dict(rows)
    keys = [k for k, _label in rows if k in stored] + [k for k in stored if k not in labels]
    return (
        ", ".join(
            f"{labels.get(k, k)}: {number_format(stored[k], force_grouping=True)}" for k in keys
        )
        or "–"
    )
