"""The engineering duty roster: who is the supervisor on duty (值班主管) when an order comes in.

A plain list of shifts an administrator keeps in the admin; the new-order SMS goes to whoever
holds the shift covering the moment the order is saved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DutyShiftQuerySet(models.QuerySet):
    def covering(self, moment):
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class DutyShift(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor on duty"),
        on_delete=models.PROTECT,
        related_name="repair_duty_shifts",
        limit_choices_to={"groups__name__in": ["engineering_supervisor", "technician"]},
    )
    starts_at = models.DateTimeField(_("on duty from"))
    ends_at = models.DateTimeField(_("on duty until"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("engineering duty shift")
        verbose_name_plural = _("engineering duty roster")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}"
