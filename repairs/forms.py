"""Forms of the repairs app. They parse and check input; repairs.services writes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archives.forms import PhoneField
from crm import signatures
from crm.models import Unit, UnitUse, User
from crm.roles import Role
from repairs.models import (
    MaterialResult,
    OrderStatus,
    PaymentMethod,
    PriceItem,
    Urgency,
)
from repairs.uploads import MAX_PHOTOS, check_photo

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
)
APPOINTMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.00")}


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once (a phone's camera roll), each checked by its content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Up to 6 photos, JPG, PNG, WebP or HEIC, 10 MB each."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most 6 photos at a time."))
        return [check_photo(super(PhotosField, self).clean(f, initial)) for f in files]


class PriceItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return f"{item.code} {item.name} · ¥{item.price:,.2f}/{item.unit}"


class CustomerOrderForm(forms.Form):
    """One phone-sized form for the front desk (R-REP-01): tenant, address, phone, problem,
    photos, urgency and appointment."""

    received_at = forms.DateTimeField(
        label=_("Call received at"),
        widget=DATETIME,
        help_text=_("Filled in when you opened the form; change it if the call came earlier."),
    )
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=None
    )
    location = forms.CharField(label=_("Address"), max_length=200)
    contact_name = forms.CharField(label=_("Contact"), max_length=50)
    contact_phone = PhoneField(label=_("Contact phone"))
    problem = forms.CharField(
        label=_("Problem"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("e.g. kitchen pipe leaking")}),
    )
    price_item = PriceItemChoice(
        label=_("Price-list item"),
        queryset=PriceItem.objects.active(),
        required=False,
        empty_label=_("Not on the price list: the supervisor quotes"),
        help_text=_("Listed jobs are dispatched at once; others wait for a quote and consent."),
    )
    urgency = forms.ChoiceField(
        label=_("When to come"),
        choices=Urgency.choices,
        initial=Urgency.ASAP,
        widget=forms.RadioSelect,
    )
    appointment_at = forms.DateTimeField(label=_("Appointment"), required=False, widget=APPOINTMENT)
    photos = PhotosField(label=_("Photos"))

    def __init__(self, *args, customers=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = customers
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()

    def clean_customer(self):
        pk = self.cleaned_data.get("customer")
        if not pk:
            raise ValidationError(_("Find the tenant by unit, name or phone."))
        customer = self.customers.filter(pk=pk).first() if self.customers is not None else None
        if customer is None:
            raise ValidationError(_("Find the tenant by unit, name or phone."))
        return customer

    def clean(self):
        data = super().clean()
        if data.get("urgency") == Urgency.APPOINTMENT and not data.get("appointment_at"):
            self.add_error("appointment_at", _("Enter the appointment time."))
        return data


class PublicOrderForm(forms.Form):
    """公共区域维修单 (R-REP-05): a public area of a building, or a free location."""

    received_at = CustomerOrderForm.base_fields["received_at"]
    unit = forms.ModelChoiceField(
        label=_("Public area"),
        queryset=Unit.objects.with_location().filter(use=UnitUse.PUBLIC),
        required=False,
        empty_label=_("Another location (describe below)"),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        help_text=_("e.g. 2栋东侧绿化带路灯; filled from the public area if left empty."),
    )
    contact_name = forms.CharField(label=_("Reported by"), max_length=50)
    contact_phone = PhoneField(label=_("Phone"), required=False)
    problem = CustomerOrderForm.base_fields["problem"]
    photos = PhotosField(label=_("Photos"))

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if not data.get("location") and unit is not None:
            data["location"] = unit.label
        if not data.get("location") and "unit" not in self.errors:
            self.add_error("location", _("Choose a public area or describe the location."))
        return data


class PhotoForm(forms.Form):
    photos = PhotosField(label=_("Photos"), required=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuoteForm(forms.Form):
    """The supervisor's assessment of an unlisted job: can it be done, and at what price."""

    ROWS = 3
    feasible = forms.TypedChoiceField(
        label=_("Can it be repaired?"),
        choices=[("yes", _("Yes, at this price")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    note = forms.CharField(
        label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(self.ROWS):
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Item"), max_length=150, required=False
            )
            self.fields[f"unit_{n}"] = forms.CharField(
                label=_("Unit of measure"), max_length=20, required=False, initial="项"
            )
            self.fields[f"quantity_{n}"] = forms.DecimalField(
                label=_("Quantity"), max_digits=8, decimal_places=2, required=False, initial=1
            )
            self.fields[f"labour_{n}"] = forms.DecimalField(
                label=_("Labour"), required=False, **MONEY
            )
            self.fields[f"material_{n}"] = forms.DecimalField(
                label=_("Material"), required=False, **MONEY
            )

    def rows(self):
        return [
            [self[f"{name}_{n}"] for name in ("name", "unit", "quantity", "labour", "material")]
            for n in range(self.ROWS)
        ]

    def lines(self) -> list[dict]:
        lines = []
        for n in range(self.ROWS):
            name = self.cleaned_data.get(f"name_{n}")
            if not name:
                continue
            quantity = self.cleaned_data.get(f"quantity_{n}") or Decimal(0)
            if quantity <= 0:
                self.add_error(f"quantity_{n}", _("Enter a quantity above zero."))
                continue
            lines.append(
                {
                    "name": name,
                    "unit": self.cleaned_data.get(f"unit_{n}") or "项",
                    "quantity": quantity,
                    "labour_price": self.cleaned_data.get(f"labour_{n}") or Decimal(0),
                    "material_price": self.cleaned_data.get(f"material_{n}") or Decimal(0),
                }
            )
        return lines


class ConsentForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("The customer's answer"),
        choices=[
            ("yes", _("Accepts the price and wants the repair")),
            ("no", pgettext_lazy("repair quote", "Declines")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("How and with whom"),
        max_length=200,
        help_text=_("e.g. 电话确认，业主王女士本人同意"),
    )


def technicians():
    return User.objects.working().with_role(Role.TECHNICIAN).order_by("name")


class DispatchForm(forms.Form):
    lead = forms.ModelChoiceField(
        label=_("Lead technician"), queryset=User.objects.none(), empty_label=_("Choose…")
    )
    helpers = forms.ModelMultipleChoiceField(
        label=_("Also send"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = technicians()
        self.fields["helpers"].queryset = technicians()

    def team(self) -> list:
        lead = self.cleaned_data["lead"]
        return [lead, *(p for p in self.cleaned_data.get("helpers", []) if p != lead)]


class LinesForm(forms.Form):
    """Confirm or correct the items against the price list: change a quantity (0 removes a
    line) or add a listed item; a correction says what differs from the report."""

    add_item = PriceItemChoice(
        label=_("Add an item"),
        queryset=PriceItem.objects.active(),
        required=False,
        empty_label="—",
    )
    add_quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=8, decimal_places=2, min_value=0, initial=1, required=False
    )
    note = forms.CharField(
        label=_("What differs from the report"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"qty_{line.pk}"] = forms.DecimalField(
                label=line.name, max_digits=8, decimal_places=2, min_value=0, initial=line.quantity
            )

    def line_rows(self):
        return [(line, self[f"qty_{line.pk}"]) for line in self.lines]

    def quantities(self) -> dict:
        return {line.pk: self.cleaned_data[f"qty_{line.pk}"] for line in self.lines}

    def additions(self) -> list:
        item, quantity = self.cleaned_data.get("add_item"), self.cleaned_data.get("add_quantity")
        return [(item, quantity or Decimal(1))] if item else []


class DecisionForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("yes", _("Agrees to the charges: start work")), ("no", _("Refuses"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason for refusing"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MaterialForm(forms.Form):
    material = forms.CharField(label=_("Material supplied by the customer"), max_length=100)
    result = forms.ChoiceField(
        label=_("Check result"), choices=MaterialResult.choices, widget=forms.RadioSelect
    )
    advice = forms.CharField(
        label=_("Advice given"),
        required=False,
        max_length=300,
        help_text=_("Needed when the material failed or is of poor quality."),
    )


class CompletionForm(forms.Form):
    work_done = forms.CharField(
        label=_("Work done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    customer_checked = forms.BooleanField(
        label=_("The customer tried or checked the work"), required=False
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    signed_on_paper = forms.BooleanField(
        label=_("Signed on the paper form instead"), required=False
    )

    def clean_signature(self):
        data = self.cleaned_data.get("signature") or ""
        return signatures.clean_signature(data) if data else None


class PublicCompletionForm(forms.Form):
    work_done = CompletionForm.base_fields["work_done"]
    cleanup_confirmed = forms.BooleanField(label=_("The site has been cleaned up"), required=False)
    cleanup_note = forms.CharField(label=_("Clean-up"), max_length=200, required=False)


class CosignForm(forms.Form):
    note = forms.CharField(
        label=_("Supervisor's note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received"), **MONEY)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.MANAGEMENT_FEE
    )
    reference = forms.CharField(label=_("Receipt / reference"), max_length=50, required=False)


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, customer, location or problem")}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Not finished")), *OrderStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Form"),
        required=False,
        choices=[("", _("All")), ("customer", _("Work order")), ("public", _("Public area"))],
    )
    broken = forms.BooleanField(label=_("With a broken clock"), required=False)


class PriceItemForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=100,
        help_text=_("Needed when a price changes; kept in the item's history."),
    )

    class Meta:
        model = PriceItem
        fields = [
            "code",
            "name_zh",
            "name_en",
            "unit_zh",
            "unit_en",
            "labour_price",
            "material_price",
            "category",
            "notes",
            "is_active",
            "sort_order",
        ]
