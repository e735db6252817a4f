"""The five clears and one report, routing, closing and reopening (R-CMP-02 … R-CMP-05)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from archives import events
from archives.models import CustomerEvent, EventKind
from complaints import services
from complaints.forms import CloseForm
from complaints.models import (
    Channel,
    Complaint,
    ComplaintStep,
    Confirmation,
    ConfirmationKind,
    Opinion,
    ReplyMethod,
    Severity,
    Status,
    StepKind,
)
from crm.models import Notification, NotificationLevel, SmsMessage
from tests.complaints.helpers import signature_png, take_through


def close(complaint, by, **overrides):
    arguments = {
        "outcome": "已冲减180元，下期账单体现。",
        "opinion": Opinion.SATISFIED,
        "confirmation": ConfirmationKind.SIGNATURE,
        "signature": signature_png(),
    }
    return services.close_complaint(complaint=complaint, by=by, **{**arguments, **overrides})


@pytest.mark.django_db
def test_the_five_clears_go_in_order_each_with_who_and_when(make_complaint, service_agent):
    """R-CMP-02: heard → asked → followed → replied → recorded, each step with who and when."""
    complaint = make_complaint()
    assert services.allowed_steps(complaint) == [StepKind.HEARD]
    with pytest.raises(ValidationError):
        services.record_step(
            complaint=complaint, kind=StepKind.ASKED, text="先问", by=service_agent
        )
    take_through(complaint, service_agent, until="heard")
    complaint.refresh_from_db()
    assert complaint.status == Status.HANDLING and complaint.handler == service_agent
    assert services.allowed_steps(complaint) == [StepKind.HEARD, StepKind.ASKED]
    for kind in (StepKind.ASKED, StepKind.FOLLOWED):
        services.record_step(complaint=complaint, kind=kind, text="记录", by=service_agent)
    # a follow-up may be added to until the reply; heard and asked are closed now
    assert services.allowed_steps(complaint) == [StepKind.FOLLOWED, StepKind.REPLIED]
    steps = list(ComplaintStep.objects.filter(complaint=complaint))
    assert [s.kind for s in steps] == ["heard", "asked", "followed"]
    assert all(s.by == service_agent and s.at <= timezone.now() for s in steps)


@pytest.mark.django_db
def test_a_reply_says_how_it_was_given(make_complaint, service_agent):
    """R-CMP-02: 复清楚 records the answer and how it was given."""
    complaint = make_complaint()
    take_through(complaint, service_agent, until="followed")
    with pytest.raises(ValidationError) as caught:
        services.record_step(
            complaint=complaint, kind=StepKind.REPLIED, text="已答复", by=service_agent
        )
    assert "method" in caught.value.error_dict
    services.record_step(
        complaint=complaint,
        kind=StepKind.REPLIED,
        text="已答复",
        by=service_agent,
        method=ReplyMethod.SMS,
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    assert complaint.replied_at == complaint.first_replied_at
    assert complaint.first_reply_late is False


@pytest.mark.django_db
def test_a_major_complaint_is_reported_to_the_head_and_the_gm_at_once(
    make_complaint, finance, finance_head, gm, sms_outbox, django_capture_on_commit_callbacks
):
    """R-CMP-02: 一报告 — a major complaint notifies the department head and the general
    manager at once, with a text message."""
    with django_capture_on_commit_callbacks(execute=True):
        complaint = make_complaint(severity=Severity.MAJOR, department=finance)
    urgent = Notification.objects.filter(level=NotificationLevel.URGENT)
    assert set(urgent.values_list("recipient", flat=True)) == {finance_head.pk, gm.pk}
    assert all(complaint.number in n.title for n in urgent)
    assert SmsMessage.objects.filter(purpose="complaint_major").count() == 2
    assert {phone for phone, _body in sms_outbox} == {finance_head.mobile, gm.mobile}


@pytest.mark.django_db
def test_a_general_complaint_does_not_disturb_the_gm(make_complaint, finance, finance_head, gm):
    """R-CMP-02: only a major one goes to the general manager."""
    make_complaint(department=finance)
    assert not Notification.objects.filter(recipient=gm).exists()
    assert Notification.objects.filter(recipient=finance_head).count() == 1  # forwarded


@pytest.mark.django_db
def test_a_complaint_found_to_be_major_is_reported_then(
    make_complaint, service_agent, service_head, gm
):
    """R-CMP-02: reclassified as major during handling — reported at that moment, with the
    stricter deadline."""
    complaint = make_complaint(by=service_agent)
    before = complaint.reply_due_at
    services.reclassify_complaint(
        complaint=complaint, by=service_agent, category=complaint.category, severity=Severity.MAJOR
    )
    complaint.refresh_from_db()
    assert complaint.reply_due_at < before
    recipients = set(
        Notification.objects.filter(level=NotificationLevel.URGENT).values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {service_head.pk, gm.pk}  # no department yet: the handler's head


@pytest.mark.django_db
def test_forwarding_tells_the_department_head(make_complaint, service_agent, finance, finance_head):
    """R-CMP-03: a general complaint goes to the responsible department."""
    complaint = make_complaint(by=service_agent)
    take_through(complaint, service_agent, until="asked")
    services.follow_up_complaint(
        complaint=complaint, by=service_agent, text="转财务部核查", department=finance
    )
    complaint.refresh_from_db()
    assert complaint.department == finance
    assert Notification.objects.filter(recipient=finance_head, title__contains="财务部").exists()


@pytest.mark.django_db
def test_beyond_authority_goes_to_the_head_with_a_promised_reply_time(
    make_complaint, service_agent, finance, finance_head
):
    """R-CMP-03: referred to the head; the promised reply time, and how the customer was told,
    are recorded, and become the deadline."""
    complaint = make_complaint(by=service_agent, department=finance)
    take_through(complaint, service_agent, until="asked")
    promised = timezone.now() + dt.timedelta(days=5)
    services.follow_up_complaint(
        complaint=complaint,
        by=service_agent,
        text="超出部门权限，转部门主管",
        refer_to_head=True,
        promised_reply_at=promised,
        told_via=ReplyMethod.PHONE,
    )
    complaint.refresh_from_db()
    assert complaint.referred_at is not None
    assert complaint.promised_reply_at == promised == complaint.reply_due_at
    assert complaint.promise_told_via == ReplyMethod.PHONE
    assert Notification.objects.filter(
        recipient=finance_head, level=NotificationLevel.WARNING
    ).exists()


@pytest.mark.django_db
def test_a_referral_needs_a_promise_and_rolls_back_whole(make_complaint, service_agent, finance):
    """R-CMP-03: no promised time, nothing saved — not even the forwarding."""
    complaint = make_complaint(by=service_agent)
    take_through(complaint, service_agent, until="asked")
    with pytest.raises(ValidationError) as caught:
        services.follow_up_complaint(
            complaint=complaint,
            by=service_agent,
            text="转主管",
            department=finance,
            refer_to_head=True,
            told_via=ReplyMethod.PHONE,
        )
    assert set(caught.value.error_dict) == {"department", "promised_reply_at"}  # no head either
    complaint.refresh_from_db()
    assert complaint.department is None and complaint.referred_at is None
    assert not complaint.steps.filter(kind=StepKind.FOLLOWED).exists()


@pytest.mark.django_db
def test_nothing_is_closed_without_a_reply(make_complaint, service_agent):
    """R-CMP-04: 有解必答 — the service refuses to close before the reply."""
    complaint = make_complaint()
    take_through(complaint, service_agent, until="followed")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        close(complaint, service_agent)
    assert "before the customer has had a reply" in caught.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.status == Status.HANDLING
    assert not Confirmation.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_closed_complaint_without_a_reply(make_complaint):
    """R-CMP-04: enforced by a CheckConstraint too, past the service."""
    complaint = make_complaint()
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(
            status=Status.CLOSED, closed_at=timezone.now()
        )


@pytest.mark.django_db
def test_closing_keeps_the_customers_signature_in_private_storage(replied, service_agent, settings):
    """R-CMP-04: the signature drawn on screen is kept as a PNG, outside any served path."""
    close(replied, service_agent)
    replied.refresh_from_db()
    assert replied.status == Status.CLOSED and replied.closed_by == service_agent
    confirmation = Confirmation.objects.get(complaint=replied)
    assert confirmation.kind == ConfirmationKind.SIGNATURE
    assert confirmation.content_type == "image/png"
    assert confirmation.file.name.startswith("complaints/confirmations/")
    assert confirmation.file.read(8) == b"\x89PNG\r\n\x1a\n"
    assert str(settings.MEDIA_ROOT) in confirmation.file.path
    assert replied.steps.filter(kind=StepKind.RECORDED).count() == 1


@pytest.mark.django_db
def test_the_signature_is_checked_by_its_bytes_and_must_not_be_blank():
    """R-CMP-04: a data URL that is not a PNG, or an empty pad, is refused."""
    import base64

    def form(data: bytes):
        encoded = "data:image/png;base64," + base64.b64encode(data).decode()
        return CloseForm(
            {
                "outcome": "x",
                "opinion": "satisfied",
                "confirmation": "signature",
                "signature": encoded,
            }
        )

    assert form(signature_png()).is_valid()
    assert "signature" in form(signature_png(blank=True)).errors
    assert "signature" in form(b"GIF89a not a png at all").errors
    assert "signature" in form(signature_png(size=(5000, 100))).errors


@pytest.mark.django_db
def test_a_returned_form_is_checked_by_its_magic_bytes(replied, service_agent):
    """R-CMP-04: the returned written form is a real PDF or image, whatever its name says."""
    fake = SimpleUploadedFile("回执.pdf", b"just text pretending", content_type="application/pdf")
    form = CloseForm(
        {"outcome": "x", "opinion": "satisfied", "confirmation": "form"}, {"form_file": fake}
    )
    assert "form_file" in form.errors
    real = SimpleUploadedFile("回执.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    form = CloseForm(
        {"outcome": "已处理", "opinion": "satisfied", "confirmation": "form"}, {"form_file": real}
    )
    assert form.is_valid(), form.errors
    close(
        replied,
        service_agent,
        confirmation=ConfirmationKind.WRITTEN_FORM,
        signature=None,
        form_file=form.cleaned_data["form_file"],
    )
    assert Confirmation.objects.get().content_type == "application/pdf"


@pytest.mark.django_db
def test_a_written_complaint_is_not_confirmed_by_phone(make_complaint, service_agent):
    """R-CMP-04: written complaints keep the returned form (or a signature)."""
    complaint = make_complaint(channel=Channel.WRITTEN)
    take_through(complaint, service_agent, method=ReplyMethod.WRITTEN)
    with pytest.raises(ValidationError) as caught:
        close(complaint, service_agent, confirmation=ConfirmationKind.PHONE, note="电话确认")
    assert "confirmation" in caught.value.error_dict
    offered = dict(CloseForm(complaint=complaint).fields["confirmation"].choices)
    assert ConfirmationKind.PHONE not in offered and ConfirmationKind.WRITTEN_FORM in offered


@pytest.mark.django_db
def test_reopening_needs_a_reason_is_counted_and_needs_a_new_reply(replied, service_agent):
    """R-CMP-04: a complaint can be reopened with a reason; reopenings are counted, and the
    reopened complaint is answered again before it closes again."""
    close(replied, service_agent)
    with pytest.raises(ValidationError):
        services.reopen_complaint(complaint=replied, by=service_agent, reason=" ")
    services.reopen_complaint(complaint=replied, by=service_agent, reason="下期账单仍未冲减")
    replied.refresh_from_db()
    assert (replied.status, replied.reopen_count, replied.replied_at) == (Status.HANDLING, 1, None)
    assert replied.first_replied_at is not None
    # heard and asked stand; the complaint is followed again
    assert services.allowed_steps(replied) == [StepKind.HEARD, StepKind.ASKED, StepKind.FOLLOWED]
    with pytest.raises(ValidationError):
        close(replied, service_agent)
    for kind, method in [(StepKind.FOLLOWED, ""), (StepKind.REPLIED, ReplyMethod.PHONE)]:
        services.record_step(
            complaint=replied, kind=kind, text="再次处理", by=service_agent, method=method
        )
    close(replied, service_agent)
    services.reopen_complaint(complaint=replied, by=service_agent, reason="又有问题")
    replied.refresh_from_db()
    assert replied.reopen_count == 2
    assert Confirmation.objects.filter(complaint=replied).count() == 2


@pytest.mark.django_db
def test_closing_starts_the_return_visit_exactly_once(replied, service_agent, resident):
    """R-CMP-05: closing records the COMPLAINT_CLOSED event for the visits app — once, even
    when the complaint is reopened and closed again."""
    seen = []
    handler = events.register_handler(lambda event: seen.append(event.source_key))
    try:
        close(replied, service_agent)
        services.reopen_complaint(complaint=replied, by=service_agent, reason="仍有疑问")
        for kind, method in [(StepKind.FOLLOWED, ""), (StepKind.REPLIED, ReplyMethod.PHONE)]:
            services.record_step(
                complaint=replied, kind=kind, text="再次处理", by=service_agent, method=method
            )
        close(replied, service_agent)
    finally:
        events._handlers.remove(handler)
    event = CustomerEvent.objects.get(kind=EventKind.COMPLAINT_CLOSED)
    assert event.kind == EventKind.COMPLAINT_CLOSED and event.customer == resident
    assert event.source_key == f"complaints.complaint:{replied.pk}"
    assert event.occurred_on == timezone.localdate()
    assert replied.number in event.label
    assert seen == [event.source_key]


@pytest.mark.django_db
def test_an_unknown_caller_without_archive_starts_no_return_visit(make_complaint, service_agent):
    """R-CMP-05: no customer, no CustomerEvent."""
    complaint = make_complaint(caller_name="李先生", caller_phone="13700291234")
    take_through(complaint, service_agent)
    close(complaint, service_agent, confirmation=ConfirmationKind.PHONE, note="电话确认")
    assert Complaint.objects.get().status == Status.CLOSED
    assert not CustomerEvent.objects.filter(kind=EventKind.COMPLAINT_CLOSED).exists()


@pytest.mark.django_db
def test_the_signature_downloads_only_through_the_door(
    client, replied, service_agent, owner, colleague
):
    """R-CMP-04: the confirmation is served by a permission-checked view; strangers get 404."""
    close(replied, service_agent)
    confirmation = Confirmation.objects.get()
    url = reverse("complaints:confirmation_file", args=[replied.pk, confirmation.pk])
    client.force_login(owner)  # the customer's consultant may see their complaints
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(colleague)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_closing_through_the_screen_with_a_signature(client, replied, service_agent):
    """R-CMP-04: the close form posts the canvas as a PNG data URL."""
    import base64

    client.force_login(service_agent)
    response = client.post(
        reverse("complaints:complaint_close", args=[replied.pk]),
        {
            "outcome": "已冲减",
            "opinion": "satisfied",
            "confirmation": "signature",
            "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        },
    )
    assert response.status_code == 302
    assert Complaint.objects.get().status == Status.CLOSED


@pytest.mark.django_db
def test_closing_through_the_screen_without_signature_says_so(client, replied, service_agent):
    """R-CMP-04: an unsigned pad is refused with a message; nothing is saved."""
    client.force_login(service_agent)
    response = client.post(
        reverse("complaints:complaint_close", args=[replied.pk]),
        {"outcome": "已冲减", "opinion": "satisfied", "confirmation": "signature"},
    )
    assert response.status_code == 400
    assert "客户尚未签名" in response.content.decode()
    assert Complaint.objects.get().status == Status.REPLIED
