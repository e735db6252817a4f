"""The Django admin of the archives app: configuration only — grades, classifications and the
profile templates (R-ARC-03: an administrator adds, removes, renames and reorders items per
project). Archives and everything holding a customer's data stay out of the admin, whose
object permissions guardian does not restrict."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archives import profile
from archives.models import Classification, Grade, ProfileItem, ProfileSection, ProfileTemplate
from archives.ownership import admin as ownership_admin  # noqa: F401  (protection rules, pool)
from crm.models import Project


@admin.register(Grade)
class GradeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "criteria", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["name", "dimension", "sort_order"]
    list_filter = ["dimension"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


class ProfileSectionInline(admin.TabularInline):
    model = ProfileSection
    extra = 0
    fields = ["sort_order", "key", "title_zh", "title_en"]
    show_change_link = True
    ordering = ["sort_order"]


@admin.register(ProfileTemplate)
class ProfileTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "project"]
    inlines = [ProfileSectionInline]
    actions = ["copy_for_projects"]

    @admin.action(description=_("Give every project without one its own copy of the template"))
    def copy_for_projects(self, request, queryset):
        source = queryset.first()
        created = 0
        for project in Project.objects.filter(profile_template__isnull=True, is_active=True):
            profile.copy_template(source, project)
            created += 1
        messages.success(request, _("%(n)s project templates created.") % {"n": created})


class ProfileItemInline(admin.TabularInline):
    model = ProfileItem
    extra = 0
    fields = [
        "sort_order",
        "number",
        "key",
        "label_zh",
        "label_en",
        "kind",
        "note_zh",
        "binding",
        "choices",
        "is_active",
    ]
    ordering = ["sort_order"]


@admin.register(ProfileSection)
class ProfileSectionAdmin(SimpleHistoryAdmin):
    list_display = ["title_zh", "template", "sort_order"]
    list_filter = ["template"]
    inlines = [ProfileItemInline]
