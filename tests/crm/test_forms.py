"""Printed forms and their keeping (R-FRM-02): the company's name and logo on every form that
goes on paper, the logo served to staff only, and the archive kept for its retention period."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from archives.access import retention
from tests.factories import CompanyFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAPER_FORMS = ("*print*.html", "receipt.html", "reply_letter.html")
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def paper_forms() -> list[Path]:
    found = {path for pattern in PAPER_FORMS for path in TEMPLATES.rglob(pattern)}
    return sorted(path for path in found if path.parent.name != "includes")


def carries_the_header(path: Path) -> bool:
    """The template includes the print header itself or extends one that does."""
    source = path.read_text(encoding="utf-8")
    if "includes/print_header.html" in source:
        return True
    parent = re.search(r'{%\s*extends\s+"([^"]+)"\s*%}', source)
    return bool(parent) and carries_the_header(TEMPLATES / parent.group(1))


def test_every_paper_form_carries_the_company_header():
    """R-FRM-02: every form printed for the paper file (receipts, statements, notices, repair
    orders, complaint forms and letters, registration sheets, access and destruction records,
    surveys) carries the header with the company's name and logo."""
    forms = paper_forms()
    assert len(forms) >= 10, [str(p) for p in forms]
    assert [p.name for p in forms if not carries_the_header(p)] == []


@pytest.mark.django_db
def test_the_header_shows_the_company_name_and_logo(rf, owner):
    """R-FRM-02: the header prints the company's registered name beside its logo."""
    CompanyFactory(name="雪球置业集团有限公司")
    request = rf.get("/")
    request.user = owner
    html = render_to_string("includes/print_header.html", {"title": "收费通知单"}, request=request)
    assert "雪球置业集团有限公司" in html
    assert f'src="{reverse("crm:company_logo")}"' in html
    assert "收费通知单" in html


@pytest.mark.django_db
def test_the_logo_is_the_companys_own_once_uploaded(client, owner, settings, tmp_path):
    """R-FRM-02: staff get the uploaded logo (the bundled one before any upload); the public
    does not."""
    settings.MEDIA_ROOT = tmp_path
    url = reverse("crm:company_logo")
    assert client.get(url).status_code == 302  # the login page

    client.force_login(owner)
    bundled = client.get(url)
    assert bundled["Content-Type"] == "image/svg+xml"

    company = CompanyFactory()
    company.logo = SimpleUploadedFile("logo.gif", GIF, content_type="image/gif")
    company.save()
    uploaded = client.get(url)
    assert uploaded.status_code == 200
    assert b"".join(uploaded.streaming_content) == GIF


def test_archives_are_kept_ten_years_before_they_may_be_destroyed(settings):
    """R-FRM-02 (§3.2.8): a closed archive is kept ten years; the period is a setting."""
    assert retention.retention_cutoff(dt.date(2026, 11, 27)).date() == dt.date(2016, 11, 27)
    settings.ARCHIVE_RETENTION_YEARS = 15
    assert retention.retention_cutoff(dt.date(2026, 11, 27)).date() == dt.date(2011, 11, 27)
