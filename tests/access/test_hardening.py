"""Hardening around the archives: idle sessions end, uploads are never executed or shown
inline. (Lock-out after failed logins: tests/crm/test_auth.py; `check --deploy` clean in
production settings: tests/crm/test_settings.py; CSRF on every URL: test_url_sweep.py.)"""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from archives.models import Attachment
from tests.access.conftest import PNG


@pytest.mark.django_db
def test_a_session_ends_after_an_idle_hour_but_not_while_in_use(owner, client, settings):
    """Hardening: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST is an idle timeout."""
    assert settings.SESSION_SAVE_EVERY_REQUEST
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    dashboard = reverse("crm:dashboard")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.post(reverse("login"), {"username": "zhangwei", "password": "Snowball-2026"})
        assert client.get(dashboard).status_code == 200
        for _ in range(3):  # busy for three idle periods: each request pushes the expiry on
            clock.shift(idle - dt.timedelta(minutes=5))
            assert client.get(dashboard).status_code == 200
        clock.shift(idle + dt.timedelta(minutes=1))
        response = client.get(dashboard)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_uploads_are_checked_by_content_and_downloads_never_render_inline(
    customer, owner, client, private_media
):
    """Hardening: an HTML page named .png is refused; a stored file leaves as an attachment
    with nosniff and a sandboxing CSP, so a browser never executes or shows it in the app."""
    client.force_login(owner)
    upload = reverse("archives:attachment_upload", args=[customer.pk])
    page = b"<html><script>alert(document.cookie)</script></html>"
    response = client.post(
        upload,
        {
            "kind": "id_card",
            "secrecy": "secret",
            "file": SimpleUploadedFile("id.png", page, content_type="image/png"),
        },
    )
    assert response.status_code == 200 and "内容" in response.content.decode()
    assert not Attachment.objects.exists()
    client.post(
        upload,
        {
            "kind": "id_card",
            "secrecy": "secret",
            "file": SimpleUploadedFile("身份证.png", PNG, content_type="text/html"),
        },
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"  # what the content is, not what was claimed
    assert "身份证" not in attachment.file.name
    response = client.get(
        reverse("archives:attachment_download", args=[customer.pk, attachment.pk])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "image/png"
