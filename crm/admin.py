"""The Django admin: configuration (departments, property, calendar) and superusers only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from crm.models import (
    Building,
    CalendarDay,
    CalendarYear,
    Company,
    Department,
    Floor,
    Notification,
    NumberSequence,
    Project,
    SmsMessage,
    Unit,
    User,
)

admin.site.site_header = _("Snowball CRM administration")
admin.site.site_title = _("Snowball CRM")


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "name", "department", "employment_status", "is_active"]
    list_filter = ["department", "employment_status", "groups", "is_active"]
    search_fields = ["username", "name", "mobile"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Snowball"), {"fields": ["name", "department", "mobile", "employment_status"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Snowball"), {"fields": ["name", "department", "mobile"]}),
    ]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "phone"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "company", "head"]
    list_select_related = ["company", "head"]


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "city", "district", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    inlines = [BuildingInline]


class FloorInline(admin.TabularInline):
    model = Floor
    extra = 0


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "sort_order"]
    list_filter = ["project"]
    inlines = [FloorInline]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "building", "number"]
    list_filter = ["building__project"]
    list_select_related = ["building__project"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["number", "floor", "use", "area", "layout"]
    list_filter = ["use", "floor__building__project"]
    list_select_related = ["floor__building__project"]
    search_fields = ["number", "floor__building__name"]


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "notes"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "level", "created_at", "read_at"]
    list_filter = ["level"]
    list_select_related = ["recipient"]


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ["masked_phone", "purpose", "status", "created_at", "sent_at"]
    list_filter = ["status", "purpose"]
    exclude = ["phone"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["kind", "year", "last"]
