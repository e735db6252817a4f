"""Greetings (R-VIS-04, §1 九大战术 4 and 9): birthdays of customers and their families,
traditional festivals and public holidays. Important customers get a call, others a text
from the occasion's template; each greeting exists once per person, occasion and day."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm.workcalendar import LUNAR_FESTIVALS, SOLAR_FESTIVALS


class Occasion(models.TextChoices):
    BIRTHDAY = "birthday", _("Customer's birthday")
    FAMILY_BIRTHDAY = "family_birthday", _("Family member's birthday")
    SPRING = "spring", LUNAR_FESTIVALS["spring"][1]
    LANTERN = "lantern", LUNAR_FESTIVALS["lantern"][1]
    DRAGON_BOAT = "dragon_boat", LUNAR_FESTIVALS["dragon_boat"][1]
    QIXI = "qixi", LUNAR_FESTIVALS["qixi"][1]
    MID_AUTUMN = "mid_autumn", LUNAR_FESTIVALS["mid_autumn"][1]
    DOUBLE_NINTH = "double_ninth", LUNAR_FESTIVALS["double_ninth"][1]
    NEW_YEAR = "new_year", SOLAR_FESTIVALS["new_year"][1]
    LABOUR = "labour", SOLAR_FESTIVALS["labour"][1]
    NATIONAL = "national", SOLAR_FESTIVALS["national"][1]


# What a template may use; anything else in braces is refused when the template is saved.
PLACEHOLDERS = {
    "name": _("customer's name"),
    "title": _("polite form, e.g. 王女士"),
    "member": _("family member's name"),
    "relation": _("relation, e.g. 爱人"),
    "festival": _("festival's name"),
    "company": _("company name"),
    "consultant": _("consultant's name"),
}


def check_placeholders(text: str) -> None:
    try:
        names = {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:
        raise ValidationError(_("Unbalanced braces in the text.")) from None
    unknown = names - set(PLACEHOLDERS)
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(names)s. Allowed: %(allowed)s.")
            % {
                "names": ", ".join(sorted(unknown)),
                "allowed": ", ".join(f"{{{key}}}" for key in PLACEHOLDERS),
            }
        )


class GreetingTemplate(models.Model):
    """The Chinese text of one occasion's greeting, edited by an administrator."""

    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices, unique=True)
    sms_text = models.CharField(
        _("text message"),
        max_length=300,
        validators=[check_placeholders],
        help_text=_(
            "Chinese text; may use {name} {title} {member} {relation} {festival} "
            "{company} {consultant}"
        ),
    )
    call_hint = models.CharField(
        _("what to say on the phone"), max_length=300, blank=True, validators=[check_placeholders]
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("greeting template")
        verbose_name_plural = _("greeting templates")
        ordering = ["occasion"]

    def __str__(self):
        return self.get_occasion_display()


class GreetingChannel(models.TextChoices):
    CALL = "call", pgettext_lazy("greeting", "Phone call")
    SMS = "sms", _("Text message")


class Greeting(models.Model):
    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="greetings",
    )
    family_member = models.ForeignKey(
        "archives.FamilyMember",
        verbose_name=_("family member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "" for the customer, "family:<pk>" for a family member: part of the unique key, which a
    # nullable column could not be.
    person_key = models.CharField(max_length=30, default="", blank=True)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    on_date = models.DateField(_("date"))
    channel = models.CharField(
        pgettext_lazy("contact channel", "by"), max_length=5, choices=GreetingChannel.choices
    )
    text = models.CharField(_("text"), max_length=300, blank=True)
    sms = models.ForeignKey(
        "crm.SmsMessage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_up = models.OneToOneField(
        "visits.FollowUp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="greeting",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("greeting")
        verbose_name_plural = _("greetings")
        ordering = ["-on_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "occasion", "on_date", "person_key"], name="greeting_once"
            )
        ]
        indexes = [models.Index(fields=["on_date"], name="greeting_date_idx")]

    def __str__(self):
        return f"{self.on_date} {self.occasion} {self.customer_id}"

    @property
    def person_name(self) -> str:
        return self.family_member.name if self.family_member_id else self.customer.name


class GreetingRun(models.Model):
    """The day's greetings have been prepared: later sweeps that day do nothing."""

    date = models.DateField(unique=True)
    finished_at = models.DateTimeField(default=timezone.now)
    created = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("greeting run")
        verbose_name_plural = _("greeting runs")
        ordering = ["-date"]

    def __str__(self):
        return str(self.date)
