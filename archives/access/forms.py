"""Forms of archive access: they parse and validate; archives.access.services writes."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from archives.access import services
from archives.models import (
    AccessAction,
    AccessScope,
    Customer,
    DestructionStatus,
    RequestStatus,
    RevealKind,
    Secrecy,
)
from crm.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER_RE = re.compile(r"KH-\d{4}-\d{6,}")


class AccessRequestForm(forms.Form):
    numbers = forms.CharField(
        label=_("Archive numbers"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "KH-2026-000123"}),
        help_text=_("One or more archive numbers, separated by spaces, commas or new lines."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Why your work needs these archives (§6 3.2.7)."),
    )
    scope = forms.ChoiceField(
        label=_("Access for"),
        choices=AccessScope.choices,
        initial=AccessScope.VIEW,
        widget=forms.RadioSelect,
        help_text=_("Exporting, printing or copying a protected archive needs the same approval."),
    )
    days = forms.IntegerField(label=_("Period (days)"), min_value=1, initial=7)
    level = forms.ChoiceField(
        label=_("Attachments up to"),
        choices=Secrecy.choices,
        initial=Secrecy.PUBLIC,
        help_text=_(
            "Attachments above this level stay hidden. 机密 and 绝密 also need the general "
            "manager's approval."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["days"].widget.attrs["max"] = services.max_days()
        self.fields["days"].help_text = _("At most %(max)s days from the approval.") % {
            "max": services.max_days()
        }

    def clean_numbers(self) -> list[Customer]:
        text = self.cleaned_data["numbers"].upper()
        numbers = list(dict.fromkeys(NUMBER_RE.findall(text)))
        leftover = NUMBER_RE.sub("", text).replace(",", " ").replace("，", " ").split()
        if leftover:
            raise ValidationError(
                _("“%(value)s” is not an archive number (KH-2026-000123)."),
                params={"value": leftover[0]},
            )
        if not numbers:
            raise ValidationError(_("Enter at least one archive number."))
        found = {
            customer.number: customer
            for customer in Customer.objects.filter(number__in=numbers)
            .exclude(destruction_requests__status=DestructionStatus.DESTROYED)
            .select_related("owner__department", "created_by__department")
        }
        missing = [number for number in numbers if number not in found]
        if missing:
            raise ValidationError(
                _("No archive is numbered %(numbers)s."), params={"numbers": "、".join(missing)}
            )
        return [found[number] for number in numbers]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.validate_request(
                by=self.user,
                customers=data["numbers"],
                reason=data["reason"],
                scope=data["scope"],
                days=data["days"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=300,
        help_text=_("Required when refusing."),
    )


class RevokeForm(forms.Form):
    note = forms.CharField(label=_("Reason for revoking"), max_length=200)


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *RequestStatus.choices]
    )
    box = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All I may see")),
            ("mine", _("My requests")),
            ("decide", _("Waiting for my decision")),
        ],
    )


class AccessLogFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("username"),
        empty_label=_("All"),
    )
    number = forms.CharField(label=_("Archive number"), required=False, max_length=20)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *AccessAction.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return data


class RevealForm(forms.Form):
    kind = forms.ChoiceField(choices=RevealKind.choices)
    pk = forms.IntegerField(required=False)


class DestructionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    def __init__(self, *args, **kwargs):
        from archives.access.retention import retention_years

        super().__init__(*args, **kwargs)
        self.fields["reason"].initial = _(
            "The retention period of %(years)s years has passed (§6 3.2.8)."
        ) % {"years": retention_years()}
