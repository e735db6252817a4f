"""The Django admin for gas billing's configuration: tariffs, reading schedules, the policy.

Accounts, readings and statements are worked on in the billing screens, through services
that keep history; the admin does not edit them."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from billing.models import BillingPolicy, ReadingSchedule, Tariff, TariffTier


class TierFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        tiers = sorted(
            (
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ),
            key=lambda data: data["tier"],
        )
        if not tiers:
            raise ValidationError(_("A tariff needs at least one tier."))
        bounds = [data.get("up_to") for data in tiers]
        if bounds[-1] is not None:
            raise ValidationError(_("The last tier has no upper bound."))
        if any(bound is None for bound in bounds[:-1]):
            raise ValidationError(_("Every tier but the last needs its upper bound."))
        if bounds[:-1] != sorted(bounds[:-1]) or len(set(bounds[:-1])) != len(bounds[:-1]):
            raise ValidationError(_("Tier bounds must rise from one tier to the next."))


class TierInline(admin.TabularInline):
    model = TariffTier
    formset = TierFormSet
    extra = 0


class TariffForm(forms.ModelForm):
    class Meta:
        model = Tariff
        fields = ["user_type", "name", "valid_from", "valid_to", "approved_document"]

    def clean(self):
        """Two prices for one user type on the same day would make billing ambiguous."""
        data = super().clean()
        user_type, start, end = data.get("user_type"), data.get("valid_from"), data.get("valid_to")
        if not user_type or not start:
            return data
        others = Tariff.objects.filter(user_type=user_type).exclude(pk=self.instance.pk)
        for other in others:
            starts_before_other_ends = other.valid_to is None or start <= other.valid_to
            ends_after_other_starts = end is None or end >= other.valid_from
            if starts_before_other_ends and ends_after_other_starts:
                raise ValidationError(_("Overlaps %(name)s; end it first.") % {"name": other.name})
        return data


@admin.register(Tariff)
class TariffAdmin(SimpleHistoryAdmin):
    form = TariffForm
    list_display = ["name", "user_type", "valid_from", "valid_to"]
    list_filter = ["user_type"]
    inlines = [TierInline]


@admin.register(ReadingSchedule)
class ReadingScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["user_type", "first_day", "last_day", "every_months", "start_month"]


@admin.register(BillingPolicy)
class BillingPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "jump_multiple",
        "long_gap_days",
        "payment_days",
        "collection_target",
    ]

    def has_add_permission(self, request):
        return not BillingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
