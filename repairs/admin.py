"""Configuration of repairs in the Django admin: the price list, the SLA limits and the
engineering duty roster. Work orders themselves stay out (the admin does not restrict rows)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from repairs.models import ClockLimit, DutyShift, PriceItem


@admin.register(PriceItem)
class PriceItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_zh", "unit_zh", "labour_price", "material_price", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["code", "name_zh", "name_en"]
    ordering = ["sort_order", "code"]


@admin.register(ClockLimit)
class ClockLimitAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "minutes", "warn_before", "due_time"]

    def has_add_permission(self, request):
        # One row per clock, seeded from the policy: change the numbers, not the set.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["person", "starts_at", "ends_at", "note"]
    list_select_related = ["person"]
    date_hierarchy = "starts_at"
