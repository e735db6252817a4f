"""Registrations, the duty rotation and claims under real concurrency (PostgreSQL, threads).

Each thread has its own database connection and waits at a barrier, so the registrations hit
the database at the same moment, as two receptionists at two counters would.
"""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.utils import timezone

from archives.models import (
    Channel,
    Customer,
    Dispute,
    OwnerPeriod,
    OwnershipChange,
    OwnershipEvent,
    PoolPolicy,
    Registration,
)
from archives.ownership import core, pool, rotation, services
from crm.roles import Role
from tests.factories import CompanyFactory, DepartmentFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer anyway")


def run_at_once(calls):
    """Run each callable in its own thread, all released together; return results/errors."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def work(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # collected, so the test shows what went wrong
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def office():
    department = DepartmentFactory(code="sales", name="销售部", company=CompanyFactory())
    project = ProjectFactory(company=department.company, code="jinxiu", name="雪球·锦绣华庭")
    manager = UserFactory(username="liuyang", department=department, roles=[Role.SALES_MANAGER])
    consultants = [
        UserFactory(
            username=f"c{i}", name=f"顾问{i}", department=department, roles=[Role.SALES_CONSULTANT]
        )
        for i in range(4)
    ]
    desks = [
        UserFactory(
            username=f"d{i}", name=f"前台{i}", department=department, roles=[Role.FRONT_DESK]
        )
        for i in range(10)
    ]
    rotation.create_roster(
        project=project, day=timezone.localdate(), by=manager, consultants=consultants
    )
    return project, manager, consultants, desks


def test_twenty_parallel_registrations_of_one_mobile_give_one_archive_and_one_owner(office):
    """R-ARC-08: 20 registrations of the same mobile at once — ten receptionists and ten
    consultants — open one archive with one owner; the others are contacts or clashes."""
    project, _manager, consultants, desks = office
    extra = [
        UserFactory(
            username=f"e{i}", department=consultants[0].department, roles=[Role.SALES_CONSULTANT]
        )
        for i in range(6)
    ]
    callers = [*consultants, *extra]

    def by_desk(person):
        return lambda: services.register_at_desk(
            by=person, mobile="13912345678", name="王小明", channel=Channel.WALK_IN, project=project
        )

    def by_consultant(person):
        return lambda: services.register_at_desk(
            by=person, mobile="13912345678", name="王小明", channel=Channel.CALL, project=project
        )

    results, errors = run_at_once([by_desk(d) for d in desks] + [by_consultant(c) for c in callers])
    assert errors == []
    assert Customer.objects.count() == 1
    customer = Customer.objects.get()
    assert {r.customer.pk for r in results} == {customer.pk}
    assert Registration.objects.count() == 20
    opened = Registration.objects.get(opened_archive=True)
    assert customer.owner == opened.consultant
    assert OwnerPeriod.objects.filter(customer=customer, ended_at__isnull=True).count() == 1
    assert OwnershipEvent.objects.filter(change=OwnershipChange.ASSIGNED).count() == 1
    clashes = Dispute.objects.filter(customer=customer).count()
    later_consultants = sum(1 for c in callers if c != customer.owner)
    assert clashes == later_consultants  # each other consultant's call is a clash to rule


def test_two_receptionists_at_the_same_moment_never_give_both_to_the_same_consultant(office):
    """R-ARC-08: walk-ins registered at once follow the rotation: with 4 consultants on duty,
    8 simultaneous unnamed walk-ins give each consultant exactly 2, in queue order."""
    project, _manager, consultants, desks = office
    calls = [
        (
            lambda d=d, i=i: services.register_at_desk(
                by=d,
                mobile=f"1380000{i:04d}",
                name=f"来访{i}",
                channel=Channel.WALK_IN,
                project=project,
            )
        )
        for i, d in enumerate(desks[:8])
    ]
    results, errors = run_at_once(calls)
    assert errors == []
    received = Counter(r.consultant.pk for r in results)
    assert received == {c.pk: 2 for c in consultants}
    in_order = [r.consultant for r in sorted(results, key=lambda r: r.registration.pk)]
    assert in_order == consultants + consultants
    roster = rotation.roster_for(project, timezone.localdate())
    assert [s.received for s in rotation.slots_of(roster)] == [2, 2, 2, 2]


def test_parallel_claims_keep_the_daily_limit(office):
    """R-ARC-08: K claims a day hold when one consultant claims many customers at once."""
    project, _manager, consultants, desks = office
    PoolPolicy.objects.create(company=project.company, daily_claim_limit=3, capacity=100)
    pooled = [
        services.archive_services.register_customer(
            by=desks[0],
            name=f"公海{i}",
            source="call",
            phones=[("mobile", f"1390000{i:04d}")],
            project=project,
        )
        for i in range(8)
    ]
    core.sync_periods()
    claimer = consultants[0]
    calls = [lambda c=c: pool.claim_customer(customer=c, by=claimer) for c in pooled]
    results, errors = run_at_once(calls)
    assert sum(1 for r in results if r is not None) == 3
    assert len(errors) == 5
    assert Customer.objects.filter(owner=claimer).count() == 3
