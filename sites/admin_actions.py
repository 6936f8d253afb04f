"""Admin actions that ask for something first (a date, a reason) and then call a service per row.

Shared by every app's admin: the first POST from the change list shows a small form listing the
selected rows; the second (``apply``) runs the service on each and reports what changed and, for
each refusal, why.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ACTION_TEMPLATE = "admin/action_with_form.html"


class ActionReasonForm(forms.Form):
    """The reason for a change made by an action, written to each row's history."""

    reason = forms.CharField(
        label=_("Begrunnelse for endringen"),
        max_length=100,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=_("Vises i historikken til hver av de valgte."),
    )


def apply_each(
    request,
    model_admin,
    objects: Iterable[Model],
    apply: Callable[[Any], object],
    done: "str | StrPromise",
) -> int:
    """Run a service on each selected row; report how many changed and each refusal with why."""
    changed = 0
    for obj in objects:
        try:
            apply(obj)
        except ValidationError as exc:
            model_admin.message_user(
                request,
                _("Ikke endret: «%(obj)s»: %(why)s") % {"obj": obj, "why": " ".join(exc.messages)},
                messages.WARNING,
            )
        else:
            changed += 1
    if changed:
        model_admin.message_user(request, done % {"n": changed}, messages.SUCCESS)
    else:
        model_admin.message_user(request, _("Ingen av de valgte ble endret."), messages.WARNING)
    return changed


def action_with_form(
    request,
    model_admin,
    queryset: QuerySet,
    *,
    form_class: type[forms.Form],
    initial: dict,
    title: str | Promise,
    intro: str | Promise,
    submit_label: str | Promise,
    run: Callable[[forms.Form], None],
    describe: Callable[[Any], str] = str,
) -> TemplateResponse | None:
    """An admin action that first asks for values (a date, a reason), then calls a service.

    The first POST (from the change list) shows the form; the second (``apply``) runs it. A form
    with errors is shown again with what the user typed.
    """
    form = form_class(request.POST if "apply" in request.POST else None, initial=initial)
    if form.is_bound and form.is_valid():
        run(form)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "form": form,
        "objects": [{"pk": obj.pk, "label": describe(obj)} for obj in queryset],
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, ACTION_TEMPLATE, context)
