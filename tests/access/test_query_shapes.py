"""The door's SQL for one row must stay a probe of that row's archive, whatever the model.

A condition "the row's archive is one the user may see" written as `customer IN (SELECT id
FROM archives_customer WHERE …)` and OR-ed with others cannot become a join; for one row
PostgreSQL then hashed every archive the user may see, testing each with its own EXISTS:
1.8 s per detail page among 200,000 archives (bench/access.py). Every registered rule is
compiled here for each kind of user, so a rule added later is held to the same shape.
"""

import re

import pytest
from django.core.exceptions import EmptyResultSet

from archives.models import Attachment, Customer, Secrecy
from archives.rules import rank
from crm import permissions
from crm.roles import Role

HASHES_THE_ARCHIVES = re.compile(r'IN \(SELECT \S+ AS "\w+" FROM "archives_customer" ')


@pytest.fixture
def people(owner, colleague, manager, make_user):
    return [
        colleague,
        manager,
        make_user(Role.ARCHIVE_KEEPER, username="sunli"),
        make_user(Role.CUSTOMER_SERVICE, username="wufang"),
        make_user(Role.FRONT_DESK, username="zhoumin"),
    ]


def _one_row_sql(user, model) -> str:
    with permissions.single_row():
        allowed = permissions.visible(user, permissions.VIEW, model._default_manager.all())
    try:
        return str(allowed.filter(pk=1).query)
    except EmptyResultSet:  # a rule that answers queryset.none(): nothing to look up
        return ""


def test_one_row_lookups_probe_the_rows_own_archive(people):
    """R-ACC-01: looking up one row of any model never first lists every visible archive."""
    offenders = [
        f"{model._meta.label} as {user.username}"
        for model in permissions.registered_models()
        for user in people
        if HASHES_THE_ARCHIVES.search(_one_row_sql(user, model))
    ]
    assert offenders == []


def test_a_list_still_computes_the_visible_archives_once(colleague):
    """R-ACC-01: for a list the same rule is an uncorrelated subquery, computed once."""
    from visits.models import FollowUp

    listed = permissions.visible(colleague, permissions.VIEW, FollowUp.objects.all())
    assert HASHES_THE_ARCHIVES.search(str(listed.query))


def _listed(user, action, customer) -> bool:
    return permissions.visible(user, action, Customer.objects.filter(pk=customer.pk)).exists()


@pytest.fixture
def archives_at_every_level(make_customer, owner):
    return {level: make_customer(owner=owner, secrecy=level) for level in Secrecy.values}


@pytest.mark.parametrize("held", [None, *Secrecy.values, "expired"])
def test_the_one_row_shape_answers_as_the_list_shape_does(
    archives_at_every_level, colleague, owner, grant, held
):
    """R-ACC-01, R-ACC-03: the door writes one row's rule out as SQL and a list's with the ORM;
    for every archive level and every grant (none, each level, expired) both say the same."""
    for customer in archives_at_every_level.values():
        if held is None:
            continue
        for codename in ("view_customer", "export_customer"):
            if held == "expired":
                grant(colleague, customer, Secrecy.TOP_SECRET, codename, hours=-1)
            else:
                grant(colleague, customer, held, codename)
    for customer in archives_at_every_level.values():
        for user in (colleague, owner):
            for action in permissions.ACTIONS:
                listed = _listed(user, action, customer)
                assert permissions.can(user, action, customer) == listed, (user, action, customer)
        expected = held not in (None, "expired") and rank(held) >= rank(customer.secrecy)
        assert permissions.can(colleague, permissions.VIEW, customer) == expected


def test_an_attachments_level_counts_in_the_one_row_shape(
    archives_at_every_level, colleague, owner, upload, private_media, grant
):
    """R-ACC-03: a 秘密 grant on a 公开 archive shows its 公开 and 秘密 attachments only."""
    customer = archives_at_every_level[Secrecy.PUBLIC]
    for level in Secrecy.values:
        upload(customer, owner, secrecy=level)
    grant(colleague, customer, Secrecy.SECRET)
    attachments = Attachment.objects.filter(customer=customer)
    shown = permissions.visible(colleague, permissions.VIEW, attachments)
    assert set(shown.values_list("secrecy", flat=True)) == {Secrecy.PUBLIC, Secrecy.SECRET}
    for attachment in attachments:
        assert permissions.can(colleague, permissions.VIEW, attachment) == (
            attachment.secrecy in (Secrecy.PUBLIC, Secrecy.SECRET)
        )
