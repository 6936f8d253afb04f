from django.contrib import admin

from .models import Participant


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "birth_year", "sex", "home_municipality", "created_at"]
    list_select_related = ["home_municipality"]
    list_filter = ["sex"]
    readonly_fields = ["pseudonym", "created_at"]
    show_full_result_count = False
