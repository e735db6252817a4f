"""Every write to a complaint: intake, the five clears, routing, closing and reopening.

One function per change, each one transaction, each naming its user on the history and the
complaint's log. Views, the demo and the handover call these; none writes complaint rows
itself. The sweep over deadlines lives in complaints.deadlines.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives import events
from archives import services as archive_services
from archives.models import EventKind, Occupancy
from complaints import recipients
from complaints.deadlines import deadline_for, warn_for_promise
from complaints.models import (
    KEPT_ON_REOPEN,
    STEP_ORDER,
    Channel,
    Complaint,
    ComplaintLog,
    ComplaintStep,
    Confirmation,
    ConfirmationKind,
    IncomingDocument,
    Kind,
    LogAction,
    ReplyMethod,
    Severity,
    Status,
    StepKind,
)
from crm import numbering
from crm.models import NotificationLevel, Unit
from crm.notifications import notify
from crm.phones import normalize_phone
from crm.roles import Role, has_role

HANDLER_ROLES = (Role.CUSTOMER_SERVICE, Role.FRONT_DESK)


def _stamp(instance, by, reason: str = "") -> None:
    instance._history_user = by
    if reason:
        instance._change_reason = str(reason)[:100]


def _log(complaint, action, by, text="", at=None) -> ComplaintLog:
    return ComplaintLog.objects.create(
        complaint=complaint, action=action, text=str(text)[:300], by=by, at=at or timezone.now()
    )


def _save(complaint: Complaint, by, reason: str, fields: list[str] | None = None) -> None:
    _stamp(complaint, by, reason)
    complaint.save(update_fields=fields)


# --- Intake (R-CMP-01) ----------------------------------------------------------------------


@transaction.atomic
def receive_complaint(
    *, by, channel: str, letter: dict | None = None, at: dt.datetime | None = None, **details
) -> Complaint:
    """Take a complaint or suggestion (`details`: see _new_complaint). An unknown caller
    leaves a name and phone and is linked to an archive later; a written one enters the
    incoming-document register; a major one is reported at once."""
    at = at or timezone.now()
    complaint = _new_complaint(by=by, at=at, channel=channel, **details)
    _stamp(complaint, by, _("Complaint received"))
    complaint.save()
    _log(complaint, LogAction.RECEIVED, by, complaint.channel, at)
    if channel == Channel.WRITTEN:
        _register_letter(complaint, by=by, at=at, **(letter or {}))
    if complaint.department_id is not None:
        _tell_department(complaint, by=by, at=at)
    if complaint.is_major:
        recipients.report_major(complaint, by=by)
    if complaint.customer_id is not None:
        archive_services.touch_contact(customer=complaint.customer, when=at)
    return complaint


def _new_complaint(
    *,
    by,
    at: dt.datetime,
    channel: str,
    category: str,
    subject: str,
    description: str,
    kind: str = Kind.COMPLAINT,
    severity: str = Severity.GENERAL,
    customer=None,
    caller_name: str = "",
    caller_phone: str = "",
    unit=None,
    department=None,
    concerned_staff=None,
) -> Complaint:
    caller_name, subject, description = caller_name.strip(), subject.strip(), description.strip()
    errors = {}
    if customer is None and not (caller_name and caller_phone):
        errors["caller_name"] = _("Choose the customer, or give the caller's name and phone.")
    if not subject:
        errors["subject"] = _("Say in a few words what the complaint is about.")
    if not description:
        errors["description"] = _("Write down what the customer says.")
    if errors:
        raise ValidationError(errors)
    due, warn = deadline_for(at, severity)
    return Complaint(
        number=numbering.next_number(Complaint.NUMBER_KIND, when=at),
        filled_by=by,
        filled_at=at,
        kind=kind,
        channel=channel,
        category=category,
        severity=severity,
        customer=customer,
        caller_name=caller_name,
        caller_phone=normalize_phone(caller_phone) if caller_phone else "",
        unit=unit or _only_unit(customer),
        subject=subject,
        description=description,
        department=department,
        concerned_staff=concerned_staff,
        handler=by if has_role(by, Role.CUSTOMER_SERVICE) else None,
        reply_due_at=due,
        warn_at=warn,
    )


def _only_unit(customer):
    """A customer who lives in exactly one unit: that unit."""
    if customer is None:
        return None
    units = list(
        Occupancy.objects.current().filter(customer=customer).values_list("unit", flat=True)
    )
    return Unit.objects.get(pk=units[0]) if len(units) == 1 else None


def _register_letter(
    complaint, *, by, at, received_on=None, sender="", delivery="", pages=1
) -> IncomingDocument:
    """收文登记簿: numbered, and presented to the company's leadership (§11 二(三))."""
    leaders = recipients.general_managers()
    document = IncomingDocument(
        number=numbering.next_number(IncomingDocument.NUMBER_KIND, when=at),
        filled_by=by,
        filled_at=at,
        complaint=complaint,
        received_on=received_on or timezone.localtime(at).date(),
        sender=(sender or complaint.who).strip()[:100],
        title=complaint.subject,
        pages=pages or 1,
        presented_to=leaders[0] if leaders else None,
        presented_at=at if leaders else None,
        **({"delivery": delivery} if delivery else {}),
    )
    document.save()
    _log(complaint, LogAction.REGISTERED, by, document.number, at)
    notify(
        leaders,
        gettext_lazy("Written complaint %(document)s registered: %(subject)s"),
        body=gettext_lazy("From %(who)s. It is answered in writing once handled."),
        params=recipients.params(complaint, document=document.number),
        url=complaint.get_absolute_url(),
    )
    return document


def _tell_department(complaint, *, by, at, note: str = "") -> None:
    department = complaint.department
    _log(complaint, LogAction.FORWARDED, by, f"{department.name} {note}".strip(), at)
    head = recipients.department_head(complaint)
    notify(
        [head] if head else [],
        gettext_lazy("Complaint %(number)s forwarded to %(department)s"),
        body=gettext_lazy("%(subject)s — reply due %(due)s."),
        params=recipients.params(
            complaint, department=department.name, due=recipients.stamp(complaint.reply_due_at)
        ),
        url=complaint.get_absolute_url(),
    )


# --- The five clears (R-CMP-02) -------------------------------------------------------------


def steps_in_scope(complaint, steps) -> dict[str, list[ComplaintStep]]:
    """The entries that count now: heard and asked from any round, the rest from this one."""
    scope = {kind: [] for kind in STEP_ORDER}
    for step in steps:
        if step.kind in KEPT_ON_REOPEN or step.round == complaint.reopen_count:
            scope[step.kind].append(step)
    return scope


def allowed_steps(complaint, steps=None) -> list[str]:
    """A step may be recorded when every earlier one is done and no later one is done in
    this round: the five clears in order, each one repeatable until the next begins."""
    if complaint.is_closed:
        return []
    steps = list(complaint.steps.all()) if steps is None else steps
    scope = steps_in_scope(complaint, steps)
    this_round = {s.kind for s in steps if s.round == complaint.reopen_count}
    allowed = []
    for index, kind in enumerate(STEP_ORDER):
        earlier_done = all(scope[k] for k in STEP_ORDER[:index])
        later_started = any(k in this_round for k in STEP_ORDER[index + 1 :])
        if earlier_done and not later_started:
            allowed.append(kind)
    return allowed


def next_step(complaint, steps=None) -> str | None:
    if complaint.is_closed:
        return None
    steps = list(complaint.steps.all()) if steps is None else steps
    scope = steps_in_scope(complaint, steps)
    return next((kind for kind in STEP_ORDER if not scope[kind]), None)


def _lock(complaint: Complaint) -> Complaint:
    """The row as it is now, locked for this transaction on PostgreSQL."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def record_step(
    *, complaint: Complaint, kind: str, text: str, by, method: str = "", at=None
) -> ComplaintStep:
    """Record one of the first four clears; the fifth is close_complaint."""
    complaint = _lock(complaint)
    at = at or timezone.now()
    text = text.strip()
    if kind == StepKind.RECORDED:
        raise ValueError("the fifth clear is recorded by close_complaint")
    if kind not in allowed_steps(complaint):
        raise ValidationError(
            _("“%(step)s” cannot be recorded now: the five clears go in order.")
            % {"step": StepKind(kind).label}
        )
    if not text:
        raise ValidationError({"text": _("Write down what was said and done.")})
    if kind == StepKind.REPLIED:
        _check_reply_method(complaint, method)
    step = ComplaintStep.objects.create(
        complaint=complaint,
        kind=kind,
        round=complaint.reopen_count,
        text=text,
        method=method if kind == StepKind.REPLIED else "",
        by=by,
        at=at,
    )
    _advance(complaint, step, by)
    return step


def _check_reply_method(complaint, method: str) -> None:
    if method not in ReplyMethod.values:
        raise ValidationError({"method": _("Say how the customer was answered.")})
    if complaint.is_written and method != ReplyMethod.WRITTEN:
        raise ValidationError(
            {"method": _("A written complaint is answered in writing (§11 二(三)).")}
        )


def _advance(complaint: Complaint, step: ComplaintStep, by) -> None:
    fields = ["status"]
    if complaint.handler_id is None and has_role(by, *HANDLER_ROLES):
        complaint.handler = by
        fields.append("handler")
    if complaint.status == Status.NEW:
        complaint.status = Status.HANDLING
    if step.kind == StepKind.REPLIED:
        complaint.status = Status.REPLIED
        complaint.replied_at = step.at
        fields.append("replied_at")
        if complaint.first_replied_at is None:
            complaint.first_replied_at = step.at
            complaint.first_reply_late = step.at > complaint.reply_due_at
            fields += ["first_replied_at", "first_reply_late"]
    _save(complaint, by, StepKind(step.kind).label, fields)
    if complaint.customer_id and step.kind in (StepKind.HEARD, StepKind.REPLIED):
        archive_services.touch_contact(customer=complaint.customer, when=step.at)


@transaction.atomic
def follow_up_complaint(
    *,
    complaint: Complaint,
    by,
    text: str,
    department=None,
    refer_to_head: bool = False,
    promised_reply_at: dt.datetime | None = None,
    told_via: str = "",
    at=None,
) -> ComplaintStep:
    """跟清楚: what was done; optionally forward to the responsible department (R-CMP-03), or
    — beyond its authority — refer to its head with a promised reply time the customer is told.
    """
    at = at or timezone.now()
    if department is not None and department.pk != complaint.department_id:
        forward_complaint(complaint=complaint, department=department, by=by, at=at)
        complaint.refresh_from_db()
    if refer_to_head:
        refer_complaint(
            complaint=complaint,
            by=by,
            promised_reply_at=promised_reply_at,
            told_via=told_via,
            at=at,
        )
        complaint.refresh_from_db()
    return record_step(complaint=complaint, kind=StepKind.FOLLOWED, text=text, by=by, at=at)


@transaction.atomic
def forward_complaint(*, complaint: Complaint, department, by, note: str = "", at=None) -> None:
    complaint = _lock(complaint)
    if complaint.is_closed:
        raise ValidationError(_("This complaint is closed."))
    complaint.department = department
    _save(complaint, by, _("Forwarded"), ["department"])
    _tell_department(complaint, by=by, at=at or timezone.now(), note=note)


@transaction.atomic
def refer_complaint(*, complaint: Complaint, by, promised_reply_at, told_via: str, at=None) -> None:
    """Beyond the department's authority: to its head, with the reply time the customer was
    promised — which becomes the deadline the sweep watches (§11 二(二))."""
    complaint = _lock(complaint)
    now = at or timezone.now()
    errors = {}
    if complaint.department_id is None:
        errors["department"] = _("Choose the department whose head takes this over.")
    elif recipients.department_head(complaint) is None:
        errors["department"] = _("This department has no head to refer the complaint to.")
    if promised_reply_at is None or promised_reply_at <= now:
        errors["promised_reply_at"] = _("Give the reply time promised to the customer.")
    if told_via not in ReplyMethod.values:
        errors["told_via"] = _("Say how the customer was told of the reply time.")
    if errors:
        raise ValidationError(errors)
    complaint.referred_at = now
    complaint.promised_reply_at = promised_reply_at
    complaint.promise_told_via = told_via
    complaint.reply_due_at = promised_reply_at
    complaint.warn_at = warn_for_promise(promised_reply_at, complaint.severity, now)
    complaint.warned_at = complaint.escalated_at = None
    _save(complaint, by, _("Referred to the department head"))
    head = recipients.department_head(complaint)
    when = recipients.stamp(promised_reply_at)
    _log(complaint, LogAction.REFERRED, by, f"{head} · {when}", now)
    notify(
        [head],
        gettext_lazy("Complaint %(number)s referred to you: reply promised by %(when)s"),
        body=gettext_lazy("%(subject)s — beyond the department's authority."),
        params=recipients.params(complaint, when=when),
        url=complaint.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


@transaction.atomic
def take_complaint(*, complaint: Complaint, by) -> None:
    complaint = _lock(complaint)
    if complaint.is_closed:
        raise ValidationError(_("This complaint is closed."))
    complaint.handler = by
    _save(complaint, by, _("Taken on"), ["handler"])
    _log(complaint, LogAction.TAKEN, by)


@transaction.atomic
def reclassify_complaint(
    *, complaint: Complaint, by, category: str, severity: str, concerned_staff=None, kind=None
) -> list[str]:
    """Correct category, severity or the staff concerned. A complaint that turns out to be
    major is reported at once, and its deadline follows the stricter rule."""
    complaint = _lock(complaint)
    if complaint.is_closed:
        raise ValidationError(_("This complaint is closed."))
    before = {f: getattr(complaint, f) for f in ("category", "severity", "concerned_staff", "kind")}
    complaint.category, complaint.severity = category, severity
    complaint.concerned_staff = concerned_staff
    complaint.kind = kind or complaint.kind
    changed = [f for f, value in before.items() if getattr(complaint, f) != value]
    if not changed:
        return []
    became_major = "severity" in changed and severity == Severity.MAJOR
    if "severity" in changed and complaint.clock_runs and complaint.referred_at is None:
        complaint.reply_due_at, complaint.warn_at = deadline_for(complaint.filled_at, severity)
        complaint.warned_at = complaint.escalated_at = None
    _save(complaint, by, _("Reclassified"))
    _log(complaint, LogAction.RECLASSIFIED, by, ",".join(changed))
    if became_major and not complaint.is_closed:
        recipients.report_major(complaint, by=by)
    return changed


@transaction.atomic
def link_customer(*, complaint: Complaint, customer, by) -> None:
    """An unknown caller turns out to have an archive. If the complaint is already closed,
    the return visit that closing starts begins now."""
    complaint = _lock(complaint)
    if complaint.customer_id:
        raise ValidationError(_("This complaint is already linked to an archive."))
    complaint.customer = customer
    complaint.unit = complaint.unit or _only_unit(customer)
    _save(complaint, by, _("Linked to an archive"), ["customer", "unit"])
    _log(complaint, LogAction.LINKED, by, customer.number)
    if complaint.is_closed:
        _start_return_visit(complaint, by)


# --- Closing and reopening (R-CMP-04, R-CMP-05) ---------------------------------------------


@transaction.atomic
def close_complaint(
    *,
    complaint: Complaint,
    by,
    outcome: str,
    opinion: str,
    confirmation: str,
    signature: bytes | None = None,
    form_file=None,
    note: str = "",
    at=None,
) -> Complaint:
    """记清楚: the outcome and the customer's opinion, with their confirmation kept — and only
    after the customer has had a reply (有解必答, §15). Closing starts the return visit."""
    complaint = _lock(complaint)
    at = at or timezone.now()
    if complaint.is_closed:
        raise ValidationError(_("This complaint is already closed."))
    if complaint.replied_at is None:
        raise ValidationError(
            _("A complaint cannot be closed before the customer has had a reply.")
        )
    if StepKind.RECORDED not in allowed_steps(complaint):
        raise ValidationError(_("The five clears go in order: record the reply first."))
    _check_closing(complaint, outcome, confirmation, signature, form_file, note)
    _keep_confirmation(complaint, by, confirmation, signature, form_file, note, at)
    ComplaintStep.objects.create(
        complaint=complaint,
        kind=StepKind.RECORDED,
        round=complaint.reopen_count,
        text=outcome.strip(),
        by=by,
        at=at,
    )
    complaint.status = Status.CLOSED
    complaint.closed_at, complaint.closed_by = at, by
    complaint.first_closed_at = complaint.first_closed_at or at
    complaint.outcome, complaint.opinion = outcome.strip(), opinion
    if complaint.handler_id is None and has_role(by, *HANDLER_ROLES):
        complaint.handler = by
    _save(complaint, by, _("Closed"))
    _log(complaint, LogAction.CLOSED, by, complaint.opinion, at)
    if complaint.customer_id:
        _start_return_visit(complaint, by)
    return complaint


def _check_closing(complaint, outcome, confirmation, signature, form_file, note) -> None:
    errors = {}
    if not outcome.strip():
        errors["outcome"] = _("Record the outcome.")
    if confirmation == ConfirmationKind.SIGNATURE and not signature:
        errors["signature"] = _("The customer has not signed yet.")
    elif confirmation == ConfirmationKind.WRITTEN_FORM and not form_file:
        errors["form_file"] = _("Attach the form the customer returned.")
    elif confirmation == ConfirmationKind.PHONE:
        if complaint.is_written:
            errors["confirmation"] = _(
                "A written complaint is confirmed by the returned form or a signature."
            )
        elif not note.strip():
            errors["note"] = _("Note what the customer said on the phone.")
    elif confirmation not in ConfirmationKind.values:
        errors["confirmation"] = _("Say how the customer confirmed the outcome.")
    if errors:
        raise ValidationError(errors)


def _keep_confirmation(complaint, by, kind, signature, form_file, note, at) -> Confirmation:
    confirmation = Confirmation(
        complaint=complaint,
        round=complaint.reopen_count,
        kind=kind,
        note=note.strip()[:200],
        recorded_by=by,
        recorded_at=at,
    )
    if kind == ConfirmationKind.SIGNATURE:
        confirmation.content_type = "image/png"
        confirmation.file.save("signature.png", ContentFile(signature), save=False)
    elif kind == ConfirmationKind.WRITTEN_FORM:
        confirmation.content_type = getattr(form_file, "detected_type", "application/octet-stream")
        confirmation.file.save(form_file.name, form_file, save=False)
    confirmation.save()
    return confirmation


def _start_return_visit(complaint: Complaint, by) -> None:
    """R-CMP-05: the visits app turns this event into a return visit to the complainant."""
    events.record_event(
        customer=complaint.customer,
        kind=EventKind.COMPLAINT_CLOSED,
        occurred_on=timezone.localtime(complaint.closed_at).date(),
        source_key=f"complaints.complaint:{complaint.pk}",
        by=by,
        label=_("Complaint %(number)s closed: %(subject)s")
        % {"number": complaint.number, "subject": complaint.subject},
        project=complaint.unit.floor.building.project if complaint.unit_id else None,
    )


@transaction.atomic
def reopen_complaint(*, complaint: Complaint, by, reason: str, at=None) -> Complaint:
    """The customer is not satisfied after all: followed, replied and recorded again, on a
    fresh deadline. Reopenings are counted for the monthly summary."""
    complaint = _lock(complaint)
    at = at or timezone.now()
    if not complaint.is_closed:
        raise ValidationError(_("Only a closed complaint can be reopened."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    complaint.reopen_count += 1
    complaint.status = Status.HANDLING
    complaint.replied_at = complaint.closed_at = complaint.closed_by = None
    complaint.referred_at = complaint.promised_reply_at = None
    complaint.promise_told_via = ""
    complaint.reply_due_at, complaint.warn_at = deadline_for(at, complaint.severity)
    complaint.warned_at = complaint.escalated_at = None
    _save(complaint, by, reason.strip())
    _log(complaint, LogAction.REOPENED, by, reason.strip(), at)
    people = [complaint.handler, recipients.department_head(complaint)]
    notify(
        [p for p in people if p is not None and p.pk != by.pk],
        gettext_lazy("Complaint %(number)s reopened: %(reason)s"),
        params=recipients.params(complaint, reason=reason.strip()),
        url=complaint.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )
    return complaint


@transaction.atomic
def sign_off_complaint(*, complaint: Complaint, by) -> None:
    """The supervisor's sign-off on the closed form (R-FRM-01)."""
    complaint = _lock(complaint)
    if not complaint.is_closed:
        raise ValidationError(_("Only a closed complaint is signed off."))
    if complaint.is_signed_off:
        raise ValidationError(_("This complaint is already signed off."))
    complaint.signed_off_by, complaint.signed_off_at = by, timezone.now()
    _save(complaint, by, _("Signed off"), ["signed_off_by", "signed_off_at"])
    _log(complaint, LogAction.SIGNED_OFF, by)


@transaction.atomic
def hand_over_complaints(complaints, *, to_user, by) -> int:
    """Staff handover (R-ARC-12): open complaints pass to a successor, who is told."""
    moved = 0
    for complaint in complaints:
        complaint = _lock(complaint)
        if complaint.is_closed or complaint.handler_id == to_user.pk:
            continue
        previous = complaint.handler
        complaint.handler = to_user
        _save(complaint, by, _("Handed over"), ["handler"])
        _log(complaint, LogAction.HANDED_OVER, by, f"{previous or '—'} → {to_user}")
        moved += 1
        notify(
            [to_user],
            gettext_lazy("Complaint %(number)s is now yours: %(subject)s"),
            params=recipients.params(complaint),
            url=complaint.get_absolute_url(),
        )
    return moved
