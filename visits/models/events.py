"""Events for customers and owners (R-VIS-06, §1 九大战术 7 and 9): 酒会, 业主活动, site
tours. Invitations carry the customer's reply and attendance; attending without buying starts
the non-buyers' follow-up plan (§13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class EventType(models.TextChoices):
    COCKTAIL = "cocktail", _("Cocktail party")
    OWNERS = "owners", _("Owners' activity")
    SITE_TOUR = "site_tour", _("Site tour")
    OTHER = "other", _("Other event")


class Event(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=EventType.choices)
    title = models.CharField(_("title"), max_length=100)
    project = models.ForeignKey(
        "crm.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    place = models.CharField(_("place"), max_length=100)
    description = models.TextField(_("programme"), blank=True)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="organized_events",
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("activity", "event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("visits:event_detail", args=[self.pk])

    @property
    def date(self):
        return timezone.localdate(self.starts_at)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Reply(models.TextChoices):
    PENDING = "pending", _("No reply yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Invitation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    customer = models.ForeignKey(
        "archives.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(default=timezone.now)
    guests = models.PositiveSmallIntegerField(_("guests"), default=1)
    reply = models.CharField(_("reply"), max_length=10, choices=Reply.choices, default="pending")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    bought = models.BooleanField(_("bought at the event"), default=False)
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "customer"], name="invitation_once"),
            models.CheckConstraint(
                condition=models.Q(bought=False) | models.Q(attended=True),
                name="invitation_bought_means_attended",
            ),
        ]

    def __str__(self):
        return f"{self.event_id} · {self.customer_id}"
