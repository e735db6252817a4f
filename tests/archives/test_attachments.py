"""Qualification copies kept with the archive (R-ARC-06)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives.models import AccessLog, Attachment

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.django_db
def test_upload_is_checked_by_content_and_stored_under_a_generated_name(
    client, owner, customer, private_media
):
    """R-ARC-06: allowed types by magic bytes; never the customer's name on disk."""
    client.force_login(owner)
    url = reverse("archives:attachment_upload", args=[customer.pk])
    response = client.post(
        url,
        {
            "kind": "id_card",
            "secrecy": "secret",
            "file": SimpleUploadedFile("身份证.png", b"MZ\x90\x00evil"),
        },
    )
    assert "只接受" in response.content.decode()
    client.post(
        url,
        {"kind": "id_card", "secrecy": "secret", "file": SimpleUploadedFile("张三身份证.png", PNG)},
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert "张三" not in attachment.file.name and attachment.file.name.startswith("attachments/")


@pytest.mark.django_db
def test_download_goes_through_the_door_as_an_attachment_and_is_logged(
    client, owner, colleague, manager, customer, private_media
):
    """R-ARC-06: served only to people allowed to see the archive; R-ACC-04: logged."""
    client.force_login(owner)
    client.post(
        reverse("archives:attachment_upload", args=[customer.pk]),
        {"kind": "id_card", "secrecy": "public", "file": SimpleUploadedFile("id.png", PNG)},
    )
    url = reverse("archives:attachment_download", args=[customer.pk, Attachment.objects.get().pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AccessLog.objects.filter(user=manager, action="download").exists()
