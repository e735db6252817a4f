"""The Django admin for the ownership rules' configuration: protection periods, the public
pool's limits and the table of complementary industries (交叉合作). Archives themselves stay out
of the admin; so do registrations, disputes and sheets, which only the services write."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from archives.models import CooperationPair, PoolPolicy, ProtectionRule


@admin.register(ProtectionRule)
class ProtectionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["project", "grade", "days", "warn_days"]
    list_select_related = ["project", "grade"]
    list_filter = ["project", "grade"]


@admin.register(PoolPolicy)
class PoolPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["company", "daily_claim_limit", "capacity", "reclaim_lock_days"]
    list_select_related = ["company"]


@admin.register(CooperationPair)
class CooperationPairAdmin(admin.ModelAdmin):
    list_display = ["reason", "industry_a", "keywords_a", "industry_b", "keywords_b"]
    list_select_related = ["industry_a", "industry_b"]
