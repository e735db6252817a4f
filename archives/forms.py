"""Forms of the archives app. They parse and validate; archives.services writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from archives.models import (
    AttachmentKind,
    Category,
    Classification,
    CompanyRecord,
    Customer,
    CustomerKind,
    Deal,
    FamilyMember,
    Grade,
    OccupancyRole,
    PhoneKind,
    Secrecy,
    Source,
    Status,
    UnitDocument,
)
from archives.services import EDITABLE_FIELDS
from crm import uploads
from crm.forms import UnitField
from crm.models import Project, User
from crm.phones import normalize_phone
from crm.roles import Role
from crm.validators import clean_credit_code, clean_id_number, clean_postcode

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, pinyin, initials, phone or last 4 digits, archive no."),
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"), required=False, queryset=Grade.objects.all(), empty_label=_("All")
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All")), *Source.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        required=False,
        queryset=Project.objects.filter(is_active=True),
        empty_label=_("All"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=User.objects.with_role(Role.SALES_CONSULTANT, Role.SALES_MANAGER),
        empty_label=_("All"),
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-created", _("Newest first")),
            ("created", _("Oldest first")),
            ("name", _("Name")),
            ("-contact", _("Latest contact")),
            ("grade", _("Grade")),
        ],
    )
    voided = forms.BooleanField(label=_("Include voided"), required=False)


SORTS = {
    "-created": ["-created_at", "-pk"],
    "created": ["created_at", "pk"],
    "name": ["name", "pk"],
    "-contact": ["-last_contact_at", "-pk"],
    "grade": ["grade__sort_order", "-created_at", "-pk"],
}


class PhoneField(forms.CharField):
    def __init__(self, *, mobile_only=False, **kwargs):
        self.mobile_only = mobile_only
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return normalize_phone(value, mobile_only=self.mobile_only) if value else ""


class CustomerForm(forms.ModelForm):
    """The archive's own fields. Corrections of recorded values need a reason (R-ARC-07)."""

    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("Stored encrypted; shown masked."),
    )
    reason = forms.CharField(
        label=_("Reason for corrections"),
        required=False,
        max_length=200,
        help_text=_("Needed only when you change a value that was already recorded."),
    )

    class Meta:
        model = Customer
        fields = [f for f in EDITABLE_FIELDS if f != "kind"]
        widgets = {
            "birth_date": DATE,
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, dimension in [
            ("industry", "industry"),
            ("nature", "nature"),
            ("region", "region"),
            ("customer_type", "customer_type"),
        ]:
            if name in self.fields:  # the new-archive form leaves the classifications out
                self.fields[name].queryset = Classification.objects.filter(dimension=dimension)
        self.fields["project"].queryset = Project.objects.filter(is_active=True)
        if self.instance.pk and self.instance.id_number_masked:
            self.fields["id_number"].help_text = _(
                "Recorded: %(masked)s. Leave empty to keep it."
            ) % {"masked": self.instance.id_number_masked}

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        return clean_id_number(value) if value else ""

    def clean_credit_code(self):
        value = self.cleaned_data["credit_code"]
        return clean_credit_code(value) if value else ""

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        return clean_postcode(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("source") == Source.AGENT and not data.get("agent_name"):
            self.add_error("agent_name", _("A registration through an agent names the agent."))
        if data.get("birthday_is_lunar") and not (
            data.get("lunar_birth_month") and data.get("lunar_birth_day")
        ):
            self.add_error("lunar_birth_month", _("Give the lunar month and day of the birthday."))
        month, day = data.get("lunar_birth_month"), data.get("lunar_birth_day")
        if month and not 1 <= month <= 12:
            self.add_error("lunar_birth_month", _("A lunar month is 1 to 12."))
        if day and not 1 <= day <= 30:
            self.add_error("lunar_birth_day", _("A lunar day is 1 to 30."))
        return data

    def changes(self) -> dict:
        fields = [f for f in self.Meta.fields if f in self.cleaned_data]
        changes = {f: self.cleaned_data[f] for f in fields}
        if self.cleaned_data.get("id_number"):
            changes["id_number"] = self.cleaned_data["id_number"]
        return changes


class NewCustomerForm(CustomerForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CustomerKind.choices, initial=CustomerKind.INDIVIDUAL
    )
    mobile = PhoneField(label=_("Mobile"), required=False, mobile_only=True)
    other_phone = PhoneField(label=_("Landline"), required=False)
    other_phone_kind = forms.ChoiceField(
        label=_("Landline type"),
        choices=[(k, v) for k, v in PhoneKind.choices if k != PhoneKind.MOBILE],
        initial=PhoneKind.OFFICE,
        required=False,
    )

    class Meta(CustomerForm.Meta):
        fields = [
            "name",
            "category",
            "source",
            "agent_name",
            "project",
            "grade",
            "secrecy",
            "gender",
            "occupation",
            "employer",
            "address",
            "postcode",
            "email",
            "legal_representative",
            "credit_code",
            "registered_capital",
            "business_scope",
            "notes",
        ]

    field_order = ["kind", "name", "mobile", "other_phone", "other_phone_kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("reason")

    def clean(self):
        data = super().clean()
        individual = data.get("kind") == CustomerKind.INDIVIDUAL
        if individual and not data.get("mobile") and not data.get("other_phone"):
            self.add_error("mobile", _("An individual's archive needs a phone, best a mobile."))
        return data

    def phones(self) -> list[tuple[str, str]]:
        phones = []
        if self.cleaned_data.get("mobile"):
            phones.append((PhoneKind.MOBILE, self.cleaned_data["mobile"]))
        if self.cleaned_data.get("other_phone"):
            phones.append((self.cleaned_data["other_phone_kind"], self.cleaned_data["other_phone"]))
        return phones


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = customer.allowed_statuses()
        self.fields["to"].choices = [(k, v) for k, v in Status.choices if k in allowed]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PhoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=PhoneKind.choices)
    number = forms.CharField(
        label=_("Number"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    note = forms.CharField(label=_("Note"), max_length=50, required=False)


class FamilyMemberForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for corrections"),
        required=False,
        max_length=200,
        help_text=_("Needed only when you change a value that was already recorded."),
    )

    class Meta:
        model = FamilyMember
        fields = [
            "relation",
            "name",
            "phone",
            "birth_date",
            "birthday_is_lunar",
            "lunar_birth_month",
            "lunar_birth_day",
            "lunar_birth_leap",
            "work_or_school",
            "education",
            "interests",
            "health",
            "notes",
        ]
        widgets = {"birth_date": DATE}

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalize_phone(value) if value else ""

    def clean(self):
        data = super().clean()
        if data.get("birthday_is_lunar") and not (
            data.get("lunar_birth_month") and data.get("lunar_birth_day")
        ):
            self.add_error("lunar_birth_month", _("Give the lunar month and day of the birthday."))
        return data


class DealForm(forms.ModelForm):
    unit = UnitField(label=_("Unit"), scope="dwellings", required=False)

    class Meta:
        model = Deal
        fields = ["kind", "unit", "signed_on", "amount"]
        widgets = {"signed_on": DATE}


class MoveInForm(forms.Form):
    unit = UnitField(label=_("Unit"), scope="dwellings")
    role = forms.ChoiceField(label=_("As"), choices=OccupancyRole.choices)
    moved_in = forms.DateField(label=_("Moved in"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=200)


class MoveOutForm(forms.Form):
    moved_out = forms.DateField(label=_("Move-out date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class CompanyRecordForm(forms.ModelForm):
    class Meta:
        model = CompanyRecord
        fields = ["kind", "date", "title", "amount", "description"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class UnitDocumentForm(forms.ModelForm):
    class Meta:
        model = UnitDocument
        fields = ["kind", "date", "title", "customer", "amount", "details"]
        widgets = {"date": DATE, "details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, customers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = (
            customers if customers is not None else Customer.objects.none()
        )


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_UPLOADS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
}


def check_document(upload):
    """A scan or photo for the paper file: PDF, JPG, PNG or WebP up to 10 MB."""
    return uploads.check_upload(
        upload,
        allowed=ALLOWED_UPLOADS,
        max_bytes=MAX_UPLOAD_BYTES,
        too_big=ValidationError(_("The file is larger than 10 MB.")),
        wrong_type=ValidationError(
            _(
                "Only PDF, JPG, PNG or WebP files are accepted "
                "(the content is checked, not the name)."
            )
        ),
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AttachmentKind.choices)
    secrecy = forms.ChoiceField(
        label=_("Confidentiality"), choices=Secrecy.choices, initial=Secrecy.SECRET
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPG, PNG or WebP, at most 10 MB"))

    def clean_file(self):
        return check_document(self.cleaned_data["file"])


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Customer list"),
        help_text=_(".xlsx, or .csv in UTF-8 or GBK; the first row holds the column names"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner of the imported archives"),
        required=False,
        queryset=User.objects.working().with_role(Role.SALES_CONSULTANT, Role.SALES_MANAGER),
        empty_label=_("Public pool"),
    )
    project = forms.ModelChoiceField(
        label=_("Project"), required=False, queryset=Project.objects.filter(is_active=True)
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload


class ImportMappingForm(forms.Form):
    """One choice per column of the uploaded file: which archive field it fills."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, str], **kwargs):
        from archives.spreadsheets import FIELDS

        super().__init__(*args, **kwargs)
        choices = [("", _("(ignore)")), *FIELDS.items()]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("Column %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(str(index), ""),
            )

    def clean(self):
        data = super().clean()
        chosen = [value for value in data.values() if value]
        duplicates = {value for value in chosen if chosen.count(value) > 1}
        if duplicates:
            raise ValidationError(_("Each field may come from one column only."))
        if "name" not in chosen:
            raise ValidationError(_("Choose the column that holds the name."))
        return data

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value for name, value in self.cleaned_data.items() if value
        }


class CompositionForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    project = forms.ModelChoiceField(
        label=_("Project"),
        required=False,
        queryset=Project.objects.filter(is_active=True),
        empty_label=_("All"),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("The period ends before it starts."))
        return data
