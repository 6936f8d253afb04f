"""The one base of every back-office admin: rows, permissions and choices from ``sites.access``.

``ScopedAdmin`` is the only ModelAdmin base in the project (``ScopedInline`` for inlines). Lists,
change views, history (list and versions), delete, autocomplete, actions, exports and every form
field that chooses an organisation, site, study or agreement ask the access policy, so a row the
user may not see is a 404 everywhere and a row they may not change is shown read-only.

History is never reverted or saved from the admin: the version page is read-only and a POST to
it is refused. Changes to audited models need a reason ("Begrunnelse for endringen"), written
to the history with who and when.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .access import (
    access_rule,
    may_add,
    may_change,
    rows_changeable,
    rows_choosable,
    rows_visible,
)
from .admin_forms import ServiceRefusal
from .history_display import HistoryContextHelper
from .locking import StaleObjectError, VersionedFormMixin
from .selectors import user_can_edit, user_has_portfolio_access, user_is_national

CHANGE_REASON_FIELD = "change_reason"


def has_history(model: type[Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def is_versioned(model: type[Model]) -> bool:
    """Saved through ``sites.history`` with a ``version`` it bumps: optimistic locking applies."""
    return has_history(model) and any(f.name == "version" for f in model._meta.concrete_fields)


def _has_rule(model: type[Model]) -> bool:
    try:
        access_rule(model)
    except Exception:
        return False
    return True


class ChangeReasonFormMixin(forms.Form):
    """The reason for a change, required when an existing row is changed."""

    change_reason = forms.CharField(
        label=_("Begrunnelse for endringen"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=_("Påkrevd når du endrer noe som finnes fra før. Vises i historikken."),
    )
    reason_required_message = _("Skriv kort hvorfor du gjør endringen.")

    def clean_change_reason(self) -> str:
        reason = (self.cleaned_data.get(CHANGE_REASON_FIELD) or "").strip()
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and self.reason_required() and not reason:
            raise forms.ValidationError(self.reason_required_message)
        return reason

    def reason_required(self) -> bool:
        return True


if TYPE_CHECKING:  # the mixin is always combined with a ModelAdmin or an inline
    _ChoicesBase = admin.options.BaseModelAdmin
else:
    _ChoicesBase = object


class _ScopedChoices(_ChoicesBase):
    """Form fields that point at a model with an access rule offer only the rows the user may
    choose (and, on an existing row, the value it already has)."""

    def _current_object_id(self, request: HttpRequest) -> str | None:
        match = getattr(request, "resolver_match", None)
        return match.kwargs.get("object_id") if match else None

    def _scoped_choices(self, db_field, request: HttpRequest, queryset: QuerySet | None):
        related = db_field.related_model
        if related is None or not _has_rule(related):
            return queryset
        choosable = rows_choosable(user=request.user, model=related)
        if queryset is not None:
            choosable = queryset.filter(pk__in=choosable.values("pk"))
        object_id = self._current_object_id(request)
        parent_model = getattr(self, "parent_model", None) or getattr(self, "model", None)
        if object_id and parent_model is self.model and not db_field.many_to_many:
            current = self.model._default_manager.filter(pk=unquote(object_id)).values(
                db_field.attname
            )
            base = queryset if queryset is not None else related._default_manager.all()
            return base.filter(Q(pk__in=choosable.values("pk")) | Q(pk__in=current)).distinct()
        return choosable

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = self._scoped_choices(db_field, request, kwargs.get("queryset"))
        if kwargs["queryset"] is None:
            del kwargs["queryset"]
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = self._scoped_choices(db_field, request, kwargs.get("queryset"))
        if kwargs["queryset"] is None:
            del kwargs["queryset"]
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(_ScopedChoices, SimpleHistoryAdmin):
    """Base of every ModelAdmin. Subclasses add annotations in ``scoped_queryset`` (starting from
    ``super().scoped_queryset(request)``), never their own access rules."""

    show_full_result_count = False
    change_form_template = "admin/scoped_change_form.html"
    ask_for_reason = True  # set False for admins whose forms are registrations, not changes
    object_history_list_template = "admin/history/object_history_list.html"

    # --- rows ------------------------------------------------------------------------------------

    def scoped_queryset(self, request: HttpRequest) -> QuerySet:
        return rows_visible(user=request.user, model=self.model)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def _check_visible(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete":
            # A picker offers only what the user may choose, not everything they may see.
            choosable = rows_choosable(user=request.user, model=self.model)
            queryset = queryset.filter(pk__in=choosable.values("pk"))
        return queryset, may_have_duplicates

    # --- permissions: the role's group (Django permissions) and the access rule -----------------

    def _role_allows(self, request: HttpRequest, action: str) -> bool:
        """The user's role group has the model permission (``sites/roles.py``)."""
        codename = get_permission_codename(action, self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def _rule_allows_model(self, request: HttpRequest) -> bool:
        rule = access_rule(self.model)
        if not user_has_portfolio_access(user=request.user):
            return False
        return rule.kind != "national" or user_is_national(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._rule_allows_model(request) and (
            self._role_allows(request, "view") or self._role_allows(request, "change")
        )

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._role_allows(request, "add") and may_add(user=request.user, model=self.model)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self._role_allows(request, "change"):
            return False
        if obj is None:
            return may_add(user=request.user, model=self.model)
        cache = request.__dict__.setdefault("_may_change", {})
        key = (self.model, obj.pk)
        if key not in cache:
            cache[key] = may_change(user=request.user, obj=obj)
        return cache[key]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return (
            self._role_allows(request, "delete")
            and user_is_national(user=request.user)
            and self.has_change_permission(request, obj)
        )

    # --- forms: the reason for a change ---------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        mixins: list[type[forms.BaseForm]] = []
        if is_versioned(self.model) and "expected_version" not in form.base_fields:
            mixins.append(VersionedFormMixin)  # a save over someone else's is refused
        if (
            self.ask_for_reason
            and has_history(self.model)
            and CHANGE_REASON_FIELD not in form.base_fields
        ):
            mixins.append(ChangeReasonFormMixin)
        return type(form.__name__, (*mixins, form), {}) if mixins else form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A service's refusal at save time (someone else saved the row a moment ago) undoes the
        whole save and is shown on the page, never as a server error."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ServiceRefusal, StaleObjectError) as refusal:
            error = refusal.error if isinstance(refusal, ServiceRefusal) else refusal
            shown = error.messages  # one message keeps its link (a stale save's history)
            messages.error(request, shown[0] if len(shown) == 1 else " ".join(shown))
            return HttpResponseRedirect(request.get_full_path())

    def get_fields(self, request, obj=None):
        # The reason is written under the form, just above the save buttons, and the version the
        # form was opened at is a hidden field after the fieldsets (the template).
        hidden = {CHANGE_REASON_FIELD, "expected_version"}
        return [f for f in super().get_fields(request, obj) if f not in hidden]

    def change_reason(self, form) -> str:
        return (form.cleaned_data.get(CHANGE_REASON_FIELD) or "").strip()

    def save_model(self, request, obj, form, change):
        """Admins whose model has a service override this; the rest save with history."""
        if not has_history(self.model):
            obj.save()
            return
        from .history import save_with_history

        reason = self.change_reason(form) or str(_("Endret.") if change else _("Opprettet."))
        save_with_history(
            obj,
            user=request.user,
            reason=reason,
            expected_version=form.cleaned_data.get("expected_version") if change else None,
        )

    # --- history: scoped, read-only ---------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        self._check_visible(request, object_id)
        if not has_history(self.model):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, object_id)
        if not has_history(self.model):
            raise Http404
        if request.method != "GET":
            raise PermissionDenied  # an old version is never saved back from the admin
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def has_change_history_permission(self, request, obj=None) -> bool:
        return False

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryContextHelper(self.model, historical_record)

    def has_view_history_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    # --- actions: rows the user may change, or none ---------------------------------------------

    def get_action(self, action):
        found = super().get_action(action)
        if found is None:
            return None
        func, name, description = found
        permissions = set(getattr(func, "allowed_permissions", ()))
        if name == "delete_selected":
            permissions.add("delete")
        if not permissions & {"add", "change", "delete"}:
            return found  # exports and other reads: every visible row
        return _only_changeable_rows(func, self.model), name, description


def _only_changeable_rows(func: Callable, model: type[Model]) -> Callable:
    def in_scope(modeladmin, request, queryset):
        allowed = rows_changeable(user=request.user, model=model).values("pk")
        refused = queryset.exclude(pk__in=allowed).count()
        if refused:
            modeladmin.message_user(
                request,
                _("%(n)s av de valgte kan du ikke endre (utenfor ditt ansvarsområde).")
                % {"n": refused},
                messages.WARNING,
            )
        return func(modeladmin, request, queryset.filter(pk__in=allowed))

    in_scope.allowed_permissions = getattr(func, "allowed_permissions", ())  # type: ignore[attr-defined]
    in_scope.short_description = getattr(func, "short_description", "")  # type: ignore[attr-defined]
    return in_scope


class ScopedInline(_ScopedChoices):
    """Mixin for inlines: rows the user may see; editable only where the parent may be changed.

    Use with ``admin.TabularInline``/``StackedInline``. ``rows`` chooses which of the visible rows
    the inline shows ("changeable" for an editable inline, "foreign" for the read-only rest).
    """

    rows: str = "visible"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        visible = rows_visible(user=request.user, model=self.model)
        if self.rows == "visible":
            return visible
        changeable = rows_changeable(user=request.user, model=self.model).values("pk")
        if self.rows == "changeable":
            return visible.filter(pk__in=changeable)
        return visible.exclude(pk__in=changeable)

    def _parent_changeable(self, request: HttpRequest, obj: Any) -> bool:
        if not user_can_edit(user=request.user):
            return False
        return obj is None or may_change(user=request.user, obj=obj)

    def has_view_permission(self, request, obj=None) -> bool:
        return user_has_portfolio_access(user=request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.rows != "foreign" and self._parent_changeable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.rows != "foreign" and self._parent_changeable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.rows != "foreign" and self._parent_changeable(request, obj)
