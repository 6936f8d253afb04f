"""Consent form versions: a version someone has consented on is never changed, a new one is added."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sites.history import save_with_history

from ..models import ConsentForm

FROZEN_WHEN_IN_USE = (
    "study",
    "version_label",
    "language",
    "approved_on",
    "effective_from",
    "text",
    "document",
)
"""What a consent was given on: fixed once any consent event refers to the version."""


def _value(form: ConsentForm, name: str) -> object:
    value = form.serializable_value(name)  # the stored value (a foreign key's id, not its row)
    return value.name if name == "document" else value


def consent_form_check(*, form: ConsentForm) -> None:
    """Refuse changes to what a version says once consent has been given on it (no writing).

    ``form`` carries the new values; the stored row is read to compare. Errors name the fields.
    """
    if form.pk is None:
        return
    stored = ConsentForm.objects.filter(pk=form.pk).first()
    if stored is None:
        return
    changed = [n for n in FROZEN_WHEN_IN_USE if _value(form, n) != _value(stored, n)]
    if not changed:
        return
    uses = stored.events.count()
    if not uses:
        return
    message = ngettext(
        "Skjemaversjonen er brukt i %(n)s samtykke og kan ikke endres. Legg inn en ny versjon "
        "av skjemaet i stedet.",
        "Skjemaversjonen er brukt i %(n)s samtykker og kan ikke endres. Legg inn en ny versjon "
        "av skjemaet i stedet.",
        uses,
    ) % {"n": uses}
    raise ValidationError({name: message for name in changed})


@transaction.atomic
def consent_form_save(
    *,
    form: ConsentForm,
    user: User | None,
    reason: str,
    expected_version: int | None = None,
) -> ConsentForm:
    """Add a consent form version, or change one nobody has consented on yet."""
    if form.pk is not None:  # lock the stored row while comparing with it
        list(ConsentForm.objects.select_for_update().filter(pk=form.pk).values_list("pk"))
    consent_form_check(form=form)
    form.full_clean()
    creating = form.pk is None
    return save_with_history(
        form,
        user=user,
        reason=reason or (_("Ny skjemaversjon.") if creating else _("Skjemaversjonen ble endret.")),
        expected_version=expected_version,
    )
