"""Configuration of the complaints app in the Django admin: the reply deadlines per severity.

Complaints themselves hold customers' data and are handled in Snowball's own screens.
"""

from django.contrib import admin

from complaints.models import ReplyDeadline


@admin.register(ReplyDeadline)
class ReplyDeadlineAdmin(admin.ModelAdmin):
    list_display = ["severity", "workdays", "warn_hours"]
    list_editable = ["workdays", "warn_hours"]

    def has_delete_permission(self, request, obj=None):
        return False  # a missing row falls back to the defaults silently; keep both rows
