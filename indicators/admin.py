from django.contrib import admin

from .models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_nb",
        "focus_area",
        "unit",
        "direction",
        "target_value",
        "target_year",
        "method",
    ]
    list_filter = ["focus_area", "method", "direction"]
    search_fields = ["code", "name_nb", "name_en"]
