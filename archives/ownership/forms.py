"""Forms of the ownership screens. They parse and validate; the ownership services write."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives import services as archive_services
from archives.forms import DATE, PhoneField
from archives.models import Channel, Gender, Grade
from archives.ownership import core
from crm.models import EmploymentStatus, Project, User
from crm.roles import Role, has_role


def consultants():
    return (
        User.objects.working()
        .filter(employment_status=EmploymentStatus.ACTIVE)
        .with_role(Role.SALES_CONSULTANT)
        .order_by("name")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class DeskForm(forms.Form):
    """客户信息登记: a call or walk-in, phone first (R-ARC-08)."""

    mobile = PhoneField(label=_("Mobile"), mobile_only=True)
    name = forms.CharField(label=_("Customer name"), max_length=100, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False
    )
    channel = forms.ChoiceField(
        label=_("How they came"), choices=Channel.choices, widget=forms.RadioSelect
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.filter(is_active=True), empty_label=None
    )
    named_consultant = StaffChoiceField(
        label=_("Consultant the visitor named"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody named: a new visitor"),
        help_text=_("Only if they can say the name of the consultant they spoke to."),
    )
    referrer_mobile = PhoneField(
        label=_("Brought by an old customer (their mobile)"), required=False, mobile_only=True
    )
    asks_for_referrer_consultant = forms.BooleanField(
        label=_("They ask for the old customer's consultant"), required=False
    )
    agent_name = forms.CharField(
        label=_("Agent, if any"),
        max_length=100,
        required=False,
        help_text=_("Agency and agent's name, e.g. 链家地产 王经纪"),
    )
    is_intent = forms.BooleanField(
        label=_("Intent customer (contact details and intent to buy or rent)"), required=False
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referrer = None
        self.fields["named_consultant"].queryset = consultants()
        if not core.is_consultant(user):
            self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.SELF]
        lookup = reverse("archives:desk_lookup")
        for name, target in (("mobile", "#lookup"), ("referrer_mobile", "#referrer-lookup")):
            self.fields[name].widget.attrs.update(
                {
                    # POST keeps the mobile out of URLs and access logs (personal data).
                    "hx-post": lookup,
                    "hx-trigger": "input changed delay:300ms, load",
                    "hx-target": target,
                    "hx-include": "[name=project]",
                    "autocomplete": "off",
                    "type": "tel",
                }
            )
        self.fields["mobile"].widget.attrs["autofocus"] = True

    def clean(self):
        data = super().clean()
        raw = data.get("referrer_mobile")
        if raw:
            if raw == data.get("mobile"):
                self.add_error("referrer_mobile", _("The old customer is someone else."))
            else:
                company = archive_services.default_company(self.user, data.get("project"))
                self.referrer = archive_services.find_by_mobile(company, raw)
                if self.referrer is None:
                    self.add_error(
                        "referrer_mobile",
                        _(
                            "No archive has this mobile: the one who brought them must be a "
                            "registered customer."
                        ),
                    )
        if data.get("asks_for_referrer_consultant") and not raw:
            self.add_error(
                "referrer_mobile", _("Give the old customer's mobile to ask for their consultant.")
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "mobile": data["mobile"],
            "name": data["name"],
            "gender": data["gender"],
            "channel": data["channel"],
            "project": data["project"],
            "named_consultant": data["named_consultant"],
            "referrer": self.referrer,
            "asks_for_referrer_consultant": data["asks_for_referrer_consultant"],
            "agent_name": data["agent_name"],
            "is_intent": data["is_intent"],
            "notes": data["notes"],
        }


class RulingForm(forms.Form):
    winner = forms.ChoiceField(label=_("The customer goes to"), widget=forms.RadioSelect)
    ruling = forms.CharField(
        label=_("Ruling and reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Both consultants read it. §6 3.1.3: the registration time decides."),
    )

    def __init__(self, *args, dispute, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {
            str(dispute.incumbent_id): dispute.incumbent,
            str(dispute.claimant_id): dispute.claimant,
        }
        self.fields["winner"].choices = [
            (
                str(dispute.incumbent_id),
                _("%(name)s (registered first)") % {"name": dispute.incumbent.get_full_name()},
            ),
            (str(dispute.claimant_id), dispute.claimant.get_full_name()),
        ]

    def winner_user(self):
        return self.people[self.cleaned_data["winner"]]


class AssignForm(forms.Form):
    to = StaffChoiceField(label=_("Consultant"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = consultants()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ContactsForm(forms.Form):
    """R-ARC-11: co-owners, and the important flag that needs two or more of them."""

    co_owners = StaffMultipleChoiceField(
        label=_("Co-owners"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    is_important = forms.BooleanField(
        label=_("Important customer"),
        required=False,
        help_text=_("§4: an important customer has at least two staff in contact."),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_owners"].queryset = (
            User.objects.working()
            .filter(employment_status=EmploymentStatus.ACTIVE)
            .with_role(Role.SALES_CONSULTANT, Role.SALES_MANAGER, Role.CUSTOMER_SERVICE)
            .exclude(pk=customer.owner_id)
            .order_by("name")
        )


class RosterCreateForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.filter(is_active=True), empty_label=None
    )
    day = forms.DateField(label=_("Day"), widget=DATE)


class RosterAddForm(forms.Form):
    consultant = StaffChoiceField(label=_("Consultant"), queryset=User.objects.none())

    def __init__(self, *args, roster=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = consultants()
        if roster is not None:
            queryset = queryset.exclude(duty_slots__roster=roster)
        self.fields["consultant"].queryset = queryset


class PoolFilterForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.filter(is_active=True),
        required=False,
        empty_label=_("All"),
    )
    grade = forms.ModelChoiceField(
        label=_("Grade"), queryset=Grade.objects.all(), required=False, empty_label=_("All")
    )


class RewardForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Reward (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SheetSubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("Needed when the sheet is late: say why."),
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def month_start(self) -> dt.date:
        today = timezone.localdate()
        value = self.cleaned_data.get("month") if self.is_valid() else ""
        try:
            year, month = (int(part) for part in (value or "").split("-"))
            return dt.date(year, month, 1)
        except (TypeError, ValueError):
            return today.replace(day=1)


class DepartureStartForm(forms.Form):
    leaver = StaffChoiceField(label=_("Leaving employee"), queryset=User.objects.none())
    last_day = forms.DateField(label=_("Last working day"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            User.objects.working()
            .filter(employment_status=EmploymentStatus.ACTIVE)
            .exclude(pk=user.pk)
            .exclude(username=core.SYSTEM_USERNAME)
            .order_by("name")
        )
        if not (user.is_superuser or has_role(user, Role.GENERAL_MANAGER)):
            people = people.filter(department_id=user.department_id)
        self.fields["leaver"].queryset = people


class NoticeDoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
