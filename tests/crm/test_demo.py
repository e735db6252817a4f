"""The demo data loads in full, and loading it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command


def counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.mark.django_db
def test_demo_data_is_idempotent(media):
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert first["crm.User"] >= 18
    assert first["crm.Unit"] > 50


@pytest.mark.django_db
def test_demo_archives_carry_sample_copies_at_their_levels(media):
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
def test_the_demo_leak_comes_with_the_customers_photos(media):
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
