"""The ownership screens: who may see and do what (a matrix that also checks a denied write
changed nothing), the desk's HTMX look-up with masked names, and list query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archives.models import (
    Channel,
    DailySheet,
    Dispute,
    OwnershipEvent,
    Referral,
    RewardStatus,
)
from archives.ownership import departures, rotation, services, sheets
from crm.roles import Role
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clash(project, customer, colleague):
    """李娜 registered 张伟's customer: an open dispute."""
    return services.register_at_desk(
        by=colleague, mobile="13912345678", channel=Channel.CALL, project=project
    ).dispute


@pytest.fixture
def people(owner, colleague, manager, receptionist, outsider):
    return {
        "owner": owner,
        "colleague": colleague,
        "manager": manager,
        "receptionist": receptionist,
        "outsider": outsider,
    }


# --- Permissions ----------------------------------------------------------------------------

VIEWS = [
    ("archives:desk", None, {"owner": 200, "receptionist": 200, "manager": 200, "outsider": 403}),
    ("archives:pool", None, {"owner": 200, "manager": 200, "receptionist": 403, "outsider": 403}),
    (
        "archives:dispute_detail",
        "clash",
        {"owner": 200, "colleague": 200, "manager": 200, "receptionist": 404, "outsider": 404},
    ),
    (
        "archives:ownership_detail",
        "customer",
        {"owner": 200, "colleague": 404, "manager": 200, "receptionist": 404, "outsider": 404},
    ),
    ("archives:sheet_list", None, {"owner": 200, "manager": 200, "receptionist": 403}),
    ("archives:departure_list", None, {"manager": 200, "owner": 403, "outsider": 403}),
    ("archives:rotation", None, {"owner": 200, "receptionist": 200, "outsider": 403}),
]


@pytest.mark.parametrize(("name", "arg", "expected"), VIEWS)
def test_who_may_open_each_screen(client, people, name, arg, expected, request, roster):
    """R-ACC-01 with R-ARC-08: strangers get 404 on rows, other roles 403 on screens."""
    url = reverse(name, args=[request.getfixturevalue(arg).pk] if arg else [])
    for who, status in expected.items():
        client.force_login(people[who])
        assert client.get(url).status_code == status, (name, who)


@pytest.mark.parametrize(("who", "status"), [("owner", 403), ("colleague", 403), ("outsider", 404)])
def test_only_the_manager_rules_and_a_refused_ruling_changes_nothing(
    client, people, clash, who, status
):
    """R-ARC-08: the parties see the dispute but cannot rule it; nothing changes."""
    client.force_login(people[who])
    response = client.post(
        reverse("archives:dispute_rule", args=[clash.pk]),
        {"winner": people["colleague"].pk, "ruling": "我先接的"},
    )
    assert response.status_code == status
    clash.refresh_from_db()
    assert clash.is_open
    assert clash.customer.owner == people["owner"]


def test_the_manager_rules_in_the_browser(client, people, clash):
    client.force_login(people["manager"])
    response = client.post(
        reverse("archives:dispute_rule", args=[clash.pk]),
        {"winner": people["colleague"].pk, "ruling": "客户指定李娜"},
    )
    assert response.status_code == 302
    clash.refresh_from_db()
    assert clash.winner == people["colleague"]


@pytest.mark.parametrize(("who", "status"), [("colleague", 403), ("manager", 302)])
def test_only_the_manager_reorders_the_rotation(client, people, roster, who, status):
    slot = rotation.slots_of(roster)[1]
    client.force_login(people[who])
    response = client.post(reverse("archives:rotation_move", args=[slot.pk]), {"up": "1"})
    assert response.status_code == status
    moved = rotation.slots_of(roster)[0].consultant == people["colleague"]
    assert moved is (status == 302)


@pytest.mark.parametrize(("who", "status"), [("colleague", 404), ("manager", 403), ("owner", 302)])
def test_only_the_consultant_submits_their_sheet(client, people, owner, who, status):
    """R-ARC-10: the manager reads the sheet but cannot submit it for the consultant."""
    sheet = sheets.ensure_sheet(owner, timezone.localdate())
    client.force_login(people[who])
    response = client.post(reverse("archives:sheet_submit", args=[sheet.pk]), {"note": ""})
    assert response.status_code == status
    sheet.refresh_from_db()
    assert sheet.is_submitted is (status == 302)


@pytest.mark.parametrize(("who", "status"), [("colleague", 404), ("outsider", 404)])
def test_strangers_cannot_complete_a_departure(
    client, people, customer, owner, manager, who, status
):
    departure = departures.start_departure(leaver=owner, by=manager)
    client.force_login(people[who])
    response = client.post(reverse("archives:departure_complete", args=[departure.pk]))
    assert response.status_code == status
    owner.refresh_from_db()
    assert owner.is_active and owner.employment_status == "leaving"


def test_a_consultant_cannot_approve_a_reward(
    client, people, receptionist, project, roster, customer
):
    referee = services.register_at_desk(
        by=receptionist,
        mobile="13800001234",
        name="宋佳",
        channel=Channel.WALK_IN,
        project=project,
        referrer=customer,
    ).customer
    referral = Referral.objects.get(referee=referee)
    client.force_login(people["owner"])
    response = client.post(
        reverse("archives:referral_approve", args=[referral.pk]), {"amount": "100"}
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.reward_status == RewardStatus.PENDING


# --- The desk -------------------------------------------------------------------------------


def test_the_lookup_says_whose_customer_with_the_owner_masked(client, receptionist, customer):
    """R-ARC-08: typing a mobile shows at once that it is known, whose (张*) and since when."""
    client.force_login(receptionist)
    response = client.post(reverse("archives:desk_lookup"), {"mobile": "139 1234 5678"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "张*" in html and "张伟" not in html
    assert f"{timezone.localtime(customer.created_at):%Y-%m-%d}" in html


def test_the_lookup_shows_the_owner_to_the_owner(client, owner, customer):
    client.force_login(owner)
    html = client.post(reverse("archives:desk_lookup"), {"mobile": "13912345678"}).content.decode()
    assert "张伟" in html and customer.number in html


def test_the_lookup_of_a_new_mobile_names_who_is_on_duty(client, receptionist, roster, project):
    client.force_login(receptionist)
    html = client.post(
        reverse("archives:desk_lookup"), {"mobile": "13800009999", "project": project.pk}
    ).content.decode()
    assert "张伟" in html


def test_registering_at_the_desk_redirects_with_the_decision(client, receptionist, roster, project):
    client.force_login(receptionist)
    response = client.post(
        reverse("archives:desk"),
        {"mobile": "13800009999", "name": "王小明", "channel": "walk_in", "project": project.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("archives:desk")
    assert "张伟" in str(next(iter(response.context["messages"])))


def test_bad_input_at_the_desk_is_explained_next_to_the_field(
    client, receptionist, project, roster
):
    client.force_login(receptionist)
    response = client.post(
        reverse("archives:desk"),
        {
            "mobile": "12345",
            "name": "",
            "channel": "walk_in",
            "project": project.pk,
            "referrer_mobile": "13800000000",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "mobile" in form.errors
    assert "referrer_mobile" in form.errors


# --- Query counts: the same for 1 and for 20 rows -------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_query_counts_do_not_grow_with_rows(
    client, make_customer, owner, colleague, manager, receptionist, project, roster
):
    """Every list view: the query count for 1 row equals the count for 20 rows."""
    urls = {
        "disputes": reverse("archives:dispute_list") + "?status=all",
        "pool": reverse("archives:pool"),
        "referrals": reverse("archives:referral_list"),
        "key": reverse("archives:key_people"),
        "sheets": reverse("archives:sheet_list"),
        "desk": reverse("archives:desk"),
        "rotation": reverse("archives:rotation"),
        "departures": reverse("archives:departure_list"),
    }
    referrer = make_customer(owner=owner, name="王丽华", mobile="13900000000")

    def add_rows(start, count):
        for i in range(start, start + count):
            mine = make_customer(owner=owner, name=f"客户{i}", mobile=f"139100{i:05d}")
            services.register_at_desk(
                by=colleague, mobile=mine.phones.get().number, channel=Channel.CALL, project=project
            )
            make_customer(
                owner=None, name=f"公海{i}", mobile=f"139200{i:05d}", registrar=receptionist
            )
            services.register_at_desk(
                by=receptionist,
                mobile=f"139300{i:05d}",
                name=f"介绍{i}",
                channel=Channel.WALK_IN,
                project=project,
                referrer=referrer,
                named_consultant=owner,
            )
            sheets.ensure_sheet(owner, timezone.localdate() - dt.timedelta(days=i + 1))
            departures.Departure.objects.create(
                leaver=colleague, started_by=manager, status="cancelled"
            )
        services.core.sync_periods()

    add_rows(0, 1)
    services.register_at_desk(  # a second person brought: 王丽华 is a key person from the start
        by=receptionist,
        mobile="13930099999",
        name="宋佳",
        channel=Channel.WALK_IN,
        project=project,
        referrer=referrer,
        named_consultant=owner,
    )
    client.force_login(manager)
    first = {k: queries(client, u) for k, u in urls.items()}
    add_rows(1, 19)
    assert Dispute.objects.count() == 20 and DailySheet.objects.count() >= 20
    second = {k: queries(client, u) for k, u in urls.items()}
    assert first == second
    client.force_login(owner)
    assert queries(client, reverse("archives:pool")) == queries(client, reverse("archives:pool"))


def test_sheet_rows_query_count_does_not_grow(
    client, owner, receptionist, project, roster, manager
):
    def register(i):
        services.register_at_desk(
            by=receptionist,
            mobile=f"138400{i:05d}",
            name=f"来访{i}",
            channel=Channel.WALK_IN,
            project=project,
            named_consultant=owner,
        )

    register(0)
    sheet = DailySheet.objects.get(consultant=owner)
    client.force_login(manager)
    urls = [
        reverse(f"archives:{name}", args=[sheet.pk]) for name in ("sheet_detail", "sheet_print")
    ]
    one = [queries(client, url) for url in urls]
    for i in range(1, 20):
        register(i)
    assert [queries(client, url) for url in urls] == one


def test_the_monthly_table_and_dashboard_render(client, owner, manager, receptionist, roster):
    """R-ARC-10 and the dashboards: managers see sheets and disputes, desks see the rotation."""
    for user in (owner, manager, receptionist):
        client.force_login(user)
        assert client.get(reverse("crm:dashboard")).status_code == 200
    client.force_login(manager)
    response = client.get(reverse("archives:sheet_month"), {"month": "2026-03"})
    assert response.status_code == 200 and response.context["start"] == dt.date(2026, 3, 1)


def test_the_lookup_answers_for_the_field_being_typed(client, receptionist, customer):
    """HTMX posts the whole desk form; HX-Trigger-Name says which mobile is being typed."""
    client.force_login(receptionist)
    form = {"mobile": "13800009999", "referrer_mobile": "13912345678"}
    url = reverse("archives:desk_lookup")
    as_referrer = client.post(
        url, form, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="referrer_mobile"
    ).content.decode()
    assert 'data-testid="referrer-lookup"' in as_referrer and "张*" in as_referrer
    as_visitor = client.post(
        url, form, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="mobile"
    ).content.decode()
    assert 'data-testid="lookup-result"' in as_visitor and "新客户" in as_visitor


def test_a_read_grant_does_not_let_another_departments_manager_reassign(
    client, customer, owner, colleague, grant
):
    """R-ACC-01: a grant lets one read an archive, never change it — so a sales manager of
    another department who holds one may open the ownership record, but reassigning the
    customer is refused and changes nothing."""
    other = DepartmentFactory(code="sales2", name="销售二部")
    stranger = UserFactory(
        username="zhoujie", name="周杰", department=other, roles=[Role.SALES_MANAGER]
    )
    grant(stranger, customer, customer.secrecy)
    client.force_login(stranger)
    assert client.get(reverse("archives:ownership_detail", args=[customer.pk])).status_code == 200
    response = client.post(
        reverse("archives:ownership_assign", args=[customer.pk]), {"to": colleague.pk}
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.owner == owner
    assert not OwnershipEvent.objects.filter(customer=customer).exists()
