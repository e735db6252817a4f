"""Fixtures of the ownership tests: a project, customers, a receptionist, a third consultant,
today's duty rotation and the protection rules (set here, not trusted from the seed migration,
because transactional tests flush seeded rows)."""

import pytest
from django.utils import timezone

from archives.models import PoolPolicy, ProtectionRule
from archives.ownership import rotation
from crm.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def receptionist(sales):
    return UserFactory(username="zhoumin", name="周敏", department=sales, roles=[Role.FRONT_DESK])


@pytest.fixture
def third(sales):
    """A third consultant on the rotation."""
    return UserFactory(
        username="chenjing", name="陈静", department=sales, roles=[Role.SALES_CONSULTANT]
    )


@pytest.fixture
def roster(project, manager, owner, colleague, third):
    """Today's rotation: 张伟, 李娜, 陈静 in that order."""
    return rotation.create_roster(
        project=project,
        day=timezone.localdate(),
        by=manager,
        consultants=[owner, colleague, third],
    )


@pytest.fixture
def rules(db, project):
    """30 days without contact, warned 5 days before; limits K=2 a day, C=3, M=10 days."""
    ProtectionRule.objects.update_or_create(
        project=None, grade=None, defaults={"days": 30, "warn_days": 5}
    )
    PoolPolicy.objects.update_or_create(
        company=project.company,
        defaults={"daily_claim_limit": 2, "capacity": 3, "reclaim_lock_days": 10},
    )
