"""Fixtures for archive tests: customers owned by the shared owner/colleague users."""

import pytest

from archives import services
from archives.models import PhoneKind, Source
from tests.factories import CompanyFactory, ProjectFactory


@pytest.fixture
def project(db):
    return ProjectFactory(company=CompanyFactory(), code="jinxiu", name="雪球·锦绣华庭")


@pytest.fixture
def make_customer(project):
    counter = iter(range(10_000))

    def make(owner=None, name="张三", mobile=None, by=None, **fields):
        n = next(counter)
        mobile = mobile or f"1391234{n:04d}"
        return services.register_customer(
            by=by or owner or fields.pop("registrar"),
            name=name,
            source=fields.pop("source", Source.WALK_IN),
            phones=[(PhoneKind.MOBILE, mobile)],
            owner=owner,
            project=fields.pop("project", project),
            **fields,
        )

    return make


@pytest.fixture
def customer(make_customer, owner):
    return make_customer(owner=owner, name="张三", mobile="13912345678")
