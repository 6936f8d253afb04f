"""Optimistic locking: a row saved by someone else after a user opened it is not overwritten.

Versioned models have a ``version`` that every save through ``sites.history`` bumps. A form carries
the version it was opened at; the save is refused when the row has moved on since, with a message
that says who changed it and when (Oslo time) and links to the history.
"""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
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
    """ "Studien", "Avtalen", …: the model's ``definite_name`` if it has one."""
    name = str(getattr(model, "definite_name", "") or _("oppføringen"))
    return name[:1].upper() + name[1:]


def last_change(obj: models.Model) -> tuple[str, str]:
    """Who made the latest change to ``obj`` and when, in Oslo time ("16.11.2026 kl. 12:00")."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return str(_("en annen bruker")), ""
    row = (
        history.filter(**{type(obj)._meta.pk.attname: obj.pk})
        .order_by("-history_date", "-history_id")
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
