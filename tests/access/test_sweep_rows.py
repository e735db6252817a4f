"""The rows behind the URL sweep's repairs and billing routes are real, and the data its POSTs
send would change them — so a door that let the wrong person through would show.

The sweep itself cannot prove it where nobody of its five may act: every billing route is
`allowed=()` (a 404 from a row that does not exist would pass as well), and the sales owner may
only read repair orders (403 on each step). Here the staff whose work it is send the same
requests, each rolled back like the sweep's: pages open, steps go through."""

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse

from crm.roles import Role
from tests.access.routes import billing, repairs
from tests.access.test_url_sweep import world  # noqa: F401  (the sweep's fixture)
from tests.factories import UserFactory

# POST-only billing routes and who does the step (their GET answers 405 before any lookup).
BILLING_WRITERS = {
    "billing:reading_review": "finance",
    "billing:statement_issue": "reader",
    "billing:statement_receive": "cashier",
    "billing:reminder_new": "reader",
    "billing:notice_deliver": "reader",
    "billing:suspension_decide": "gm",
    "billing:work_order_done": "reader",
}

# Repairs routes with data, and who does the step. Not the intake for 沈秘书: her archive is
# confidential, so the front desk cannot find her to write one (only the services can).
REPAIRS_WRITERS = {
    "repairs:public_order_create": "desk",
    "repairs:returns": "supervisor",
    "repairs:price_create": "supervisor",
    "repairs:price_edit": "supervisor",
    "repairs:photos": "desk",
    "repairs:quote": "supervisor",
    "repairs:consent": "desk",
    "repairs:dispatch": "supervisor",
    "repairs:take": "technician",
    "repairs:arrive": "technician",
    "repairs:items": "technician",
    "repairs:decision": "technician",
    "repairs:material": "technician",
    "repairs:complete": "technician",
    "repairs:cosign": "supervisor",
    "repairs:cancel": "desk",
    "repairs:payment": "finance",
}


def _post(user, url, data) -> str | None:
    """POST as `user`, rolled back; what went wrong, or None for a step that went through."""
    client = Client()
    client.force_login(user)
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level == ERROR]
    if response.status_code != 302 or errors:
        return f"{url}: {response.status_code} {errors}"
    return None


@pytest.mark.django_db
def test_the_billing_rows_of_the_sweep_are_real(world):  # noqa: F811
    """R-ACC-01: the ids behind the sweep's billing 404s exist and open for billing staff."""
    staff = billing.gas(world).staff
    wrong = []
    for name, route in billing.ROUTES.items():
        assert route.allowed == (), name
        url = reverse(name, kwargs=route.kwargs(world))
        if name in BILLING_WRITERS:
            data = route.data(world) if route.data else {}
            wrong.append(_post(getattr(staff, BILLING_WRITERS[name]), url, data))
            continue
        client = Client()
        client.force_login(staff.finance)
        status = client.get(url).status_code
        if status not in (200, 302, 403):
            wrong.append(f"{name} GET {url}: {status}")
    wrong = [w for w in wrong if w]
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_repair_steps_of_the_sweep_would_change_the_order(world):  # noqa: F811
    """R-ACC-01: each repairs POST of the sweep goes through for the role whose step it is, on
    the order in the state the step needs."""
    staff = repairs._staff(world)
    people = {
        "desk": staff.desk,
        "supervisor": staff.supervisor,
        "technician": staff.technician,
        "finance": UserFactory(name="林霞", roles=[Role.FINANCE]),
    }
    wrong = []
    for name, who in REPAIRS_WRITERS.items():
        route = repairs.ROUTES[name]
        url = reverse(name, kwargs=route.kwargs(world) if route.kwargs else {})
        problem = _post(people[who], url, route.data(world) if route.data else {})
        if problem:
            wrong.append(f"{name} as {who}: {problem}")
    assert not wrong, "\n".join(wrong)
