"""The reply-deadline clock of a complaint, readable in days and hours (R-CMP-03).

The text is rendered here and kept current by static/js/complaints.js; static/js/snowball.js
colours it (ok / warn / late) from data-deadline and data-warn-minutes.
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


def span(minutes: int) -> str:
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        parts = [_("%s d") % days] + ([_("%s h") % hours] if hours else [])
    elif hours:
        parts = [_("%s h") % hours] + ([_("%s min") % mins] if mins else [])
    else:
        parts = [_("%s min") % mins]
    return " ".join(parts)


@register.filter
def time_left(deadline) -> str:
    """'2 d 3 h left' or '5 h overdue'."""
    if deadline is None:
        return ""
    minutes = int((deadline - timezone.now()).total_seconds() // 60)
    if minutes < 0:
        return _("%s overdue") % span(minutes)
    return _("%s left") % span(minutes)


@register.inclusion_tag("complaints/includes/clock.html")
def complaint_clock(complaint):
    return {"complaint": complaint, "warn_minutes": complaint.warn_minutes}
