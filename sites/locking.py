"""Optimistic locking: a row saved by someone else after a user opened it is not overwritten.

Versioned models have a ``version`` that every save through ``sites.history`` bumps. A form carries
the version it was opened at (``VersionedFormMixin``); a service checks it (``version_check``) and
saves with ``save_with_history(…, expected_version=…)``, which checks it again on the locked row.
A stale save is refused with a message that says who changed the row and when (Oslo time) and
links to its history; nothing is overwritten silently.
"""

import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


class StaleObjectError(ValidationError):
    """Someone else saved the row after this user opened it; nothing was written."""

    def __init__(self, message, *, pk=None) -> None:
        self.pk = pk
        super().__init__(message, code="stale")


def _definite_name(model: type[models.Model]) -> str:
    """The model's ``definite_name`` ("Studien", "Avtalen", …), or "Oppføringen"."""
    name = str(getattr(model, "definite_name", "") or _("oppføringen"))
    return name[:1].upper() + name[1:]


def last_change(obj: models.Model) -> tuple[str, str]:
    """Who made the latest change to ``obj`` and when, in Oslo time ("16.11.2026 kl. 12:00")."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return str(_("en annen bruker")), ""
    row = (
        history.filter(**{type(obj)._meta.pk.attname: obj.pk})
        .order_by("-history_id")  # the last written, whatever the clocks said
        .values_list("history_user__username", "history_date")
        .first()
    )
    who, when = row or (None, None)
    stamp = when.astimezone(OSLO).strftime("%d.%m.%Y kl. %H:%M") if when else ""
    return who or str(_("en annen bruker")), stamp


def stale_error(obj: models.Model) -> StaleObjectError:
    """The refusal of a stale save, with who, when and a link to the history when there is one."""
    model = type(obj)
    who, when = last_change(obj)
    try:
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk]
        )
    except NoReverseMatch:
        url = ""
    name = _definite_name(model)
    message: str
    if url:
        message = format_html(
            "{} ble endret av {} {} etter at du åpnet den, og endringene dine er ikke lagret. "
            '<a href="{}">Se hva som ble endret</a>, åpne {} på nytt og gjør endringene dine igjen.',
            name,
            who,
            when,
            url,
            name.lower(),
        )
    else:
        message = _(
            "%(name)s ble endret av %(who)s %(when)s etter at du åpnet den, og endringene dine er "
            "ikke lagret. Åpne %(again)s på nytt og gjør endringene dine igjen."
        ) % {"name": name, "who": who, "when": when, "again": name.lower()}
    return StaleObjectError(message, pk=obj.pk)


def version_check(*, obj: models.Model, expected_version: int | None) -> None:
    """Refuse (``StaleObjectError``) when ``obj`` was saved by someone else after ``expected_version``.

    A new row passes. An existing row without an expected version is refused: a form that lost
    its version cannot show that it is current. Inside a transaction the row is locked, so the
    check holds until the save in the same transaction.
    """
    if obj.pk is None or obj._state.adding:
        return
    rows = type(obj)._base_manager.filter(pk=obj.pk)
    if connection.in_atomic_block:
        rows = rows.select_for_update()
    current = rows.values_list("version", flat=True).first()
    if current is not None and current != expected_version:
        raise stale_error(obj)


class VersionedFormMixin(forms.Form):
    """For the ModelForm of a versioned model (``class F(VersionedFormMixin, forms.ModelForm)``): a
    hidden ``expected_version`` with the version the form was opened at, and a refusal of the save
    when the row has been saved since.

    List ``expected_version`` in the admin's ``fields``/``fieldsets`` so that it is rendered: a
    form posted without it counts as stale. The admin passes ``cleaned_data["expected_version"]``
    on to the service, which checks it again with the row locked.
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and "expected_version" in self.fields:
            self.fields["expected_version"].initial = instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        instance = getattr(self, "instance", None)
        if instance is not None:
            version_check(obj=instance, expected_version=cleaned.get("expected_version"))
        return cleaned
