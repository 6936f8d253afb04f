from django.contrib import admin

from .models import PendingTask


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    """Read-only: pending work is sent by the flush task, not edited by hand."""

    list_display = ["task_name", "created_at", "attempts", "last_error"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
