"""Forms of gas billing. They parse and validate input; billing.services writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archives.models import Customer
from billing.models import (
    AccountStatus,
    AdjustmentKind,
    LadderStep,
    PaymentMethod,
    ReminderMethod,
    StatementStatus,
    UserType,
)
from crm import permissions, signatures, uploads
from crm.forms import UnitField
from crm.models import User
from crm.roles import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
VOLUME = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


def _readers():
    return User.objects.working().with_role(Role.METER_READER).order_by("name")


class AccountForm(forms.Form):
    customer_number = forms.CharField(
        label=_("Customer archive number"),
        max_length=20,
        help_text=_("e.g. KH-2026-000012, from the customer archive"),
    )
    user_type = forms.ChoiceField(label=_("User type"), choices=UserType.choices)
    unit = UnitField(label=_("Unit"), required=False, empty_label=_("— none —"))
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("For users outside the estate"),
    )
    reader = forms.ModelChoiceField(
        label=_("Meter reader"), queryset=User.objects.none(), required=False
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE, initial=timezone.localdate)
    meter_number = forms.CharField(label=_("Meter number"), max_length=30)
    meter_model = forms.CharField(label=_("Meter model"), max_length=50)
    installed_on = forms.DateField(label=_("Installed on"), widget=DATE)
    seal_number = forms.CharField(label=_("Seal number"), max_length=30)
    next_verification_on = forms.DateField(label=_("Next verification"), widget=DATE)
    initial_value = forms.DecimalField(
        label=_("First reading (m³)"), initial=Decimal("0.00"), **VOLUME
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["reader"].queryset = _readers()

    def clean_customer_number(self):
        number = self.cleaned_data["customer_number"].strip().upper()
        customers = permissions.visible(self.user, permissions.VIEW, Customer.objects.active())
        customer = customers.filter(number=number).first()
        if customer is None:
            raise ValidationError(_("No customer archive with this number that you may see."))
        return customer

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not (data.get("address") or "").strip():
            self.add_error("unit", _("Choose the unit or enter the address."))
        verification, installed = data.get("next_verification_on"), data.get("installed_on")
        if verification and installed and verification <= installed:
            self.add_error(
                "next_verification_on", _("The verification date must come after installation.")
            )
        return data


class AccountEditForm(forms.Form):
    user_type = forms.ChoiceField(label=_("User type"), choices=UserType.choices)
    reader = forms.ModelChoiceField(
        label=_("Meter reader"), queryset=User.objects.none(), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reader"].queryset = _readers()


class CloseAccountForm(forms.Form):
    closed_on = forms.DateField(
        label=pgettext_lazy("gas account", "Closed on"), widget=DATE, initial=timezone.localdate
    )
    reason = forms.CharField(label=_("Reason"), max_length=100)


class MeterReplaceForm(forms.Form):
    changed_on = forms.DateField(label=_("Replaced on"), widget=DATE, initial=timezone.localdate)
    final_value = forms.DecimalField(label=_("Last reading of the old meter (m³)"), **VOLUME)
    number = forms.CharField(label=_("New meter number"), max_length=30)
    model = forms.CharField(label=_("Model"), max_length=50)
    seal_number = forms.CharField(label=_("Seal number"), max_length=30)
    next_verification_on = forms.DateField(label=_("Next verification"), widget=DATE)
    initial_value = forms.DecimalField(
        label=_("First reading of the new meter (m³)"), initial=Decimal("0.00"), **VOLUME
    )
    reason = forms.CharField(label=_("Reason for the replacement"), max_length=200)


def check_image(upload):
    """The content decides, not the name: JPEG, PNG or WebP by magic bytes."""
    return uploads.check_upload(
        upload,
        allowed=PHOTO_TYPES,
        max_bytes=MAX_PHOTO_BYTES,
        too_big=ValidationError(_("The photo is larger than 8 MB.")),
        wrong_type=ValidationError(
            _("Only JPG, PNG or WebP photos are accepted (the content is checked, not the name).")
        ),
    )


class ReadingForm(forms.Form):
    read_on = forms.DateField(label=_("Reading date"), widget=DATE, initial=timezone.localdate)
    value = forms.DecimalField(
        label=_("Meter reading (m³)"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "autofocus": True}),
        **VOLUME,
    )
    photo = forms.FileField(
        label=_("Photo of the meter"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Optional: JPG, PNG or WebP"),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return check_image(photo) if photo else None


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Confirm: bill it")), ("reject", _("Reject: read again"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What was checked"), max_length=200)


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Signed by"), max_length=50)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    on_paper = forms.BooleanField(label=_("Signed on the paper copy instead"), required=False)

    def clean_signature(self):
        data = self.cleaned_data.get("signature") or ""
        return signatures.clean_signature(data) if data else None

    def clean(self):
        data = super().clean()
        if not data.get("signature") and not data.get("on_paper") and not self.errors:
            raise ValidationError(_("Sign in the box, or tick that the paper copy was signed."))
        return data


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received (yuan)"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
        **MONEY,
    )
    method = forms.ChoiceField(
        label=_("Payment method"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )
    reference = forms.CharField(
        label=_("Transaction reference"),
        max_length=64,
        required=False,
        help_text=_("Required for bank transfer, WeChat Pay and Alipay"),
    )
    received_on = forms.DateField(
        label=_("Payment received on"), widget=DATE, initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("method") in PaymentMethod.needs_reference()
            and not (data.get("reference") or "").strip()
        ):
            self.add_error("reference", _("Enter the transaction reference."))
        return data


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ReminderForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"), choices=ReminderMethod.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Customer's answer"),
        max_length=200,
        required=False,
        help_text=_("e.g. will pay on Friday"),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the suspension")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WorkOrderDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE, initial=timezone.localdate)
    meter_value = forms.DecimalField(label=_("Meter reading (m³)"), required=False, **VOLUME)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE, initial=timezone.localdate)


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.DateInput(attrs={"type": "month"})
    )

    def year_month(self) -> tuple[int, int]:
        """The chosen month; by default the last complete one, the month being reported."""
        last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        if self.is_valid() and self.cleaned_data.get("month"):
            try:
                chosen = dt.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()
            except ValueError:
                return last_month.year, last_month.month
            return chosen.year, chosen.month
        return last_month.year, last_month.month


class AccountFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, account no., meter no., address")}
        ),
    )
    user_type = forms.ChoiceField(
        label=_("User type"), required=False, choices=[("", _("All")), *UserType.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *AccountStatus.choices]
    )


class StatementFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Statement no., account no., name")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("unpaid", _("Unpaid or part paid")), *StatementStatus.choices],
    )
    step = forms.ChoiceField(
        label=_("Arrears step"), required=False, choices=[("", _("All")), *LadderStep.choices]
    )
    user_type = forms.ChoiceField(
        label=_("User type"), required=False, choices=[("", _("All")), *UserType.choices]
    )


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DATE)
