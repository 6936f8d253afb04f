"""Form widgets that write their markup in one pass, a choice of code offered in a select list, and
choice fields whose forms share their fixed choices.

Django's widgets render through templates: for the finder's 357 municipalities that was three
quarters of the page's time, and a check box or number field costs as much as a short page.
``QuickSelect``, ``QuickCheckbox`` and ``QuickNumberInput`` write the same markup as Django's own
(same attributes in the same order, same escaping, same selected option or checked box). Its options are plain
``(value, label)`` pairs, kept as given: Django normalises a choice list (looking for groups and
enumerations) each time it is set, twice per field and page.

An ``Offer`` is a list of options worked out once: the pairs, the codes among them and each
option's escaped markup. A form that shows the same lists on every page keeps its offers (see
``trials.web.forms``) and hands them to its selects, which then render without looking at a label.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import Input
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True, eq=False)
class Offer:
    """The options of a select list: ``choices`` as shown (labels in the language they were
    worked out in), the ``codes`` a choice may take, the options' escaped markup with none
    selected, and where in it each code's selected mark goes."""

    choices: tuple[tuple[str, str], ...]
    codes: frozenset[str]
    markup: str
    marks: dict[str, int]

    @classmethod
    def of(cls, choices: Iterable[tuple[Any, Any]]) -> "Offer":
        """The offer of ``choices``; lazy labels are translated now, in the active language."""
        shown = tuple((str(value), str(label)) for value, label in choices)
        options: list[str] = []
        marks: dict[str, int] = {}
        length = 0
        for value, label in shown:
            start = f'<option value="{escape(value)}"'
            marks.setdefault(value, length + len(start))  # the first option of a value
            option = f"{start}>{escape(label)}</option>"
            options.append(option)
            length += len(option)
        return cls(choices=shown, codes=frozenset(marks), markup="".join(options), marks=marks)

    def with_selected(self, values: Iterable[str]) -> str:
        """The options' markup with those of ``values`` selected."""
        marks = sorted({self.marks[value] for value in values if value in self.marks})
        if not marks:
            return self.markup
        pieces, done = [], 0
        for mark in marks:
            pieces += [self.markup[done:mark], " selected"]
            done = mark
        pieces.append(self.markup[done:])
        return "".join(pieces)


class QuickSelect(forms.Select):
    offered: Offer | None = None

    @property  # plain pairs only, never groups
    def choices(self) -> list[tuple[Any, Any]]:
        return list(self.offered.choices) if self.offered is not None else self._choices

    @choices.setter
    def choices(self, value: Iterable[tuple[Any, Any]]) -> None:
        self._choices = list(value)
        self.offered = None

    def offer(self, offer: Offer) -> None:
        """Show ``offer`` from now on, in place of the choices."""
        self.offered = offer

    def __deepcopy__(self, memo: dict[int, Any]) -> "QuickSelect":
        # Each form copies its fields: the copy shares the choices, which are never changed in
        # place, only replaced.
        return forms.Widget.__deepcopy__(self, memo)

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        offer = self.offered or _offer_of(tuple((str(v), str(label)) for v, label in self._choices))
        options = offer.with_selected(self.format_value(value))
        return mark_safe(f"<select{_sorted_attrs(final_attrs)}>{options}</select>")  # noqa: S308 - escaped in Offer.of and _sorted_attrs


_OFFERS: dict[tuple[tuple[str, str], ...], Offer] = {}


def _offer_of(choices: tuple[tuple[str, str], ...]) -> Offer:
    """The offer of choices given one by one (not as an ``Offer``), kept for the lists this
    process has shown."""
    offer = _OFFERS.get(choices)
    if offer is None:
        if len(_OFFERS) > 64:
            _OFFERS.clear()
        offer = _OFFERS[choices] = Offer.of(choices)
    return offer


def _escape(value: Any) -> str:
    """As Django's ``conditional_escape``: markup already safe is kept, anything else escaped."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _sorted_attrs(attrs: dict[str, Any]) -> str:
    """The attributes as Django's ``flatatt`` writes them: by name, those with a value first, then
    those that are only present (``True``); ``False`` and ``None`` are left out."""
    valued = sorted(
        (name, value)
        for name, value in attrs.items()
        if value is not None and not isinstance(value, bool)
    )
    present = sorted(name for name, value in attrs.items() if value is True)
    return "".join(f' {_escape(name)}="{_escape(value)}"' for name, value in valued) + "".join(
        f" {_escape(name)}" for name in present
    )


class QuickInput(Input):
    """An ``<input>`` as Django's ``input.html`` template writes it: type, name, the value if
    there is one, then the attributes in their order (``True`` as a bare name, ``False`` left
    out)."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"']
        if widget["value"] is not None:
            parts.append(f' value="{_escape(widget["value"])}"')
        for attr, given in widget["attrs"].items():
            if given is True:
                parts.append(f" {_escape(attr)}")
            elif given is not False:
                parts.append(f' {_escape(attr)}="{_escape(given)}"')
        parts.append(">")
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


class QuickCheckbox(QuickInput, forms.CheckboxInput):
    pass


class QuickNumberInput(QuickInput, forms.NumberInput):
    pass


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

    def offer(self, offer: Offer) -> None:
        """Accept the codes of ``offer`` and show its options (the first is the empty one)."""
        self.codes = offer.codes
        cast(QuickSelect, self.widget).offer(offer)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in self.codes:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class FixedChoiceField(forms.ChoiceField):
    """A choice among fixed choices, which every form shares: Django copies a choice field's
    choices, one by one, for each form it builds."""

    def __deepcopy__(self, memo: dict[int, Any]) -> "FixedChoiceField":
        # The choices are only ever replaced, never changed in place.
        return forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]  # in Django, not in its stubs


class FixedTypedChoiceField(FixedChoiceField, forms.TypedChoiceField):
    pass


def offer_with_empty(empty: str | Promise, options: Iterable[tuple[str, str]]) -> Offer:
    """The offer of ``options`` after an empty first option labelled ``empty``."""
    return Offer.of([("", empty), *options])
