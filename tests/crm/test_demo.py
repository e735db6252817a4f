"""The demo data loads in full, and loading it again changes nothing."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone


def counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_demo_data_is_idempotent(private_media):
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert first["crm.User"] >= 18
    assert first["crm.Unit"] > 50
    # R-VIS-03: a few calls are left overdue for the dashboards, none of them for years.
    from visits.models import FollowUp

    oldest = timezone.localdate() - dt.timedelta(days=61)
    assert FollowUp.objects.open().filter(due_on__lt=timezone.localdate()).exists()
    assert not FollowUp.objects.open().filter(due_on__lt=oldest).exists()


@pytest.mark.django_db
def test_demo_histories_carry_the_stories_own_dates(private_media):
    """R-ARC-07: an archive's history begins on the day it was registered, weeks ago, and its
    status changes are dated when they happened, not all at the minute the demo loaded."""
    from archives.models import Customer, StatusChange

    call_command("load_demo", stdout=io.StringIO())
    customer = Customer.objects.get(name="王丽华")
    history = customer.history.order_by("history_date", "history_id")
    assert history.first().history_date == customer.created_at
    assert (timezone.now() - customer.created_at).days > 30
    intent = StatusChange.objects.get(customer=customer, to_status="intent")
    became_intent = customer.history.filter(status="intent").earliest("history_date")
    assert became_intent.history_date == intent.changed_at < customer.created_at + dt.timedelta(7)


@pytest.mark.django_db
def test_demo_archives_carry_sample_copies_at_their_levels(private_media):
    """R-ARC-06: the demo's archives have ID and licence copies to list, hide by level and
    download: real PNG and PDF files, stored under generated names."""
    from archives.models import Attachment, Secrecy

    call_command("load_demo", stdout=io.StringIO())
    attachments = list(Attachment.objects.select_related("customer"))
    assert {a.secrecy for a in attachments} >= {
        Secrecy.PUBLIC,
        Secrecy.SECRET,
        Secrecy.CONFIDENTIAL,
    }
    magic = {"image/png": b"\x89PNG", "application/pdf": b"%PDF"}
    for attachment in attachments:
        with attachment.file.open("rb") as stored:
            assert stored.read(4) == magic[attachment.content_type]
        assert attachment.original_name not in attachment.file.name


@pytest.mark.django_db
def test_the_demo_leak_comes_with_the_customers_photos(private_media):
    """R-REP-01: the urgent leak written up at the front desk carries the photos the customer
    sent, stored as JPEG files."""
    from repairs.models import Photo

    call_command("load_demo", stdout=io.StringIO())
    photos = list(Photo.objects.select_related("order"))
    assert len(photos) == 2
    assert {photo.order.problem[:4] for photo in photos} == {"厨房洗菜"}
    for photo in photos:
        with photo.file.open("rb") as stored:
            assert stored.read(3) == b"\xff\xd8\xff"
