"""Fixtures for archive-access tests: archives owned by the shared owner, a consultant of
another sales department, an archive keeper, and helpers to file and decide requests."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archives import services
from archives.access import services as access
from archives.models import AccessScope, Secrecy
from crm.roles import Role
from tests.factories import DepartmentFactory, UserFactory

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def confidential(make_customer, owner):
    return make_customer(
        owner=owner, name="机密客户", mobile="13912340001", secrecy=Secrecy.CONFIDENTIAL
    )


@pytest.fixture
def top_secret(make_customer, owner):
    return make_customer(
        owner=owner, name="绝密客户", mobile="13912340002", secrecy=Secrecy.TOP_SECRET
    )


@pytest.fixture
def other_sales(db):
    return DepartmentFactory(code="sales2", name="销售二部")


@pytest.fixture
def stranger(other_sales):
    """A consultant of another sales department: no business with these archives."""
    return UserFactory(
        username="zhaolei", name="赵磊", department=other_sales, roles=[Role.SALES_CONSULTANT]
    )


@pytest.fixture
def desk(property_department):
    """Front desk and customer service in one: fills every intake form, and sees the
    residents' archives up to 秘密."""
    return UserFactory(
        username="zhoumin",
        name="周敏",
        department=property_department,
        roles=[Role.FRONT_DESK, Role.CUSTOMER_SERVICE],
    )


@pytest.fixture
def keeper(make_user):
    return make_user(Role.ARCHIVE_KEEPER, username="sunli", name="孙丽")


@pytest.fixture
def upload():
    def make(customer, by, secrecy=Secrecy.SECRET, name="身份证.png"):
        file = SimpleUploadedFile(name, PNG, content_type="image/png")
        file.detected_type = "image/png"
        return services.upload_attachment(
            customer=customer, by=by, kind="id_card", file=file, secrecy=secrecy
        )

    return make


@pytest.fixture
def request_access():
    def file(
        by, *customers, scope=AccessScope.VIEW, days=7, level=Secrecy.PUBLIC, reason="回访需要"
    ):
        (request,) = access.file_access_request(
            by=by, customers=list(customers), reason=reason, scope=scope, days=days, level=level
        )
        return request

    return file


@pytest.fixture
def approve():
    def decide(request, *people):
        for person in people:
            request = access.decide_access_request(request=request, by=person, approve=True)
        return request

    return decide


def days_ago(days: int) -> dt.timedelta:
    return dt.timedelta(days=days)
