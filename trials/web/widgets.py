"""A select list that renders its options as plain markup, and a choice of code offered in one.

Django's ``Select`` renders every ``<option>`` through a template: for the finder's 357
municipalities that was three quarters of the page's time. ``QuickSelect`` writes the same
markup (same attributes, same escaping, same selected option) in one pass. Its options are plain
``(value, label)`` pairs, kept as given: Django normalises a choice list (looking for groups and
enumerations) each time it is set, twice per field and page.
"""

from collections.abc import Iterable
from html import escape
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    @property  # plain pairs only, never groups
    def choices(self) -> list[tuple[Any, Any]]:
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[tuple[Any, Any]]) -> None:
        self._choices = list(value)

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = set(self.format_value(value))
        options = []
        for shown, start, end in _escaped(tuple((str(v), str(label)) for v, label in self.choices)):
            mark = " selected" if shown in selected else ""
            options.append(f"{start}{mark}{end}")
            selected.discard(shown)  # One selected option, as Django's own select.
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")  # noqa: S308 - escaped in _escaped


_ESCAPED: dict[tuple[tuple[str, str], ...], list[tuple[str, str, str]]] = {}


def _escaped(choices: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str]]:
    """Each option as its value and its escaped markup before and after the selected mark, kept for
    the lists this process has shown (a page shows the same few lists, in three languages)."""
    escaped = _ESCAPED.get(choices)
    if escaped is None:
        if len(_ESCAPED) > 64:
            _ESCAPED.clear()
        escaped = _ESCAPED[choices] = [
            (shown, f'<option value="{escape(shown)}"', f">{escape(label)}</option>")
            for shown, label in choices
        ]
    return escaped


class CodeChoiceField(forms.CharField):
    """One code (a region, an HRCS category, a municipality) from options the form offers on
    each request (``offer``), shown as a ``QuickSelect``; a code not offered is an invalid choice,
    with the words of Django's own choice fields."""

    widget = QuickSelect
    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.codes: frozenset[str] = frozenset()

    def offer(self, empty: str | Promise, options: list[tuple[str, str]]) -> None:
        self.codes = frozenset(code for code, _label in options)
        cast(QuickSelect, self.widget).choices = [("", empty), *options]

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in self.codes:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
