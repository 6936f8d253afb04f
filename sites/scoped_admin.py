"""The admin side of scoped access: every ModelAdmin of a scoped model uses this mixin.

Rows come from a visibility selector (``scoped_queryset``); permissions come from the user's scope,
not from Django's per-model permissions, so that "who may see what" is decided in one place. A foreign
row is a 404 in the change, delete and history views, and history is never reverted from the admin.
"""

from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .selectors import user_can_edit, user_has_portfolio_access, user_is_national


class ScopePermissionMixin:
    """Permissions from the user's scope, not Django's per-model permissions."""

    national_delete_only = True

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_has_portfolio_access(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_has_portfolio_access(user=request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return user_can_edit(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_can_edit(user=request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if self.national_delete_only:
            return user_is_national(user=request.user) and user_can_edit(user=request.user)
        return user_can_edit(user=request.user)


class ScopedAdminMixin(ScopePermissionMixin):
    """Use with ``admin.ModelAdmin`` (or ``SimpleHistoryAdmin``); implement ``scoped_queryset``."""

    def scoped_queryset(self, request: HttpRequest) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    # django-simple-history: scoped, read-only history.
    def _check_visible(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def has_change_history_permission(self, request, obj=None) -> bool:
        return False

    def has_view_history_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)


class ReferenceAdminMixin:
    """Reference tables (regions, HRCS, …): visible to every scoped user, changed by national admins."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_has_portfolio_access(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_has_portfolio_access(user=request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return user_is_national(user=request.user) and user_can_edit(user=request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return user_is_national(user=request.user) and user_can_edit(user=request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
