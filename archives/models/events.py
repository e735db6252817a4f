"""Events in a customer's life that start follow-ups (deal won, move-in, complaint closed …).

archives.events.record_event() writes one row here and hands it to every registered handler
in the same transaction; the visits app registers the handler that creates follow-ups from
its plans. The unique key makes recording the same event twice a no-op.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.models.customers import Customer


class EventKind(models.TextChoices):
    DEAL_WON = "deal_won", _("Deal won")
    EVENT_NOT_BOUGHT = "event_not_bought", _("Attended an event without buying")
    MOVE_IN = "move_in", _("Moved in")
    COMPLAINT_CLOSED = "complaint_closed", _("Complaint closed")
    VISIT = "visit", _("Visit")
    COMMITMENT_FULFILLED = "commitment_fulfilled", _("Commitment fulfilled")


class CustomerEvent(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=25, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    # What recorded it, e.g. "archives.deal:17" — recording it again changes nothing.
    source_key = models.CharField(max_length=80)
    label = models.CharField(_("description"), max_length=200, blank=True)
    project = models.ForeignKey("crm.Project", on_delete=models.PROTECT, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_key"], name="customer_event_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"
