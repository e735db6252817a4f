"""The archive screens: list, detail, forms, history, access log (R-ARC-03, 07, R-ACC-01, 04)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives import services
from archives.models import AccessLog, Customer, FamilyMember, ProfileItem, Status
from crm.roles import Role


def count_queries(client, url):
    client.get(url)  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_list_query_count_is_the_same_for_1_and_20_archives(client, owner, make_customer):
    client.force_login(owner)
    make_customer(owner=owner)
    one = count_queries(client, reverse("archives:customer_list"))
    for _ in range(19):
        make_customer(owner=owner)
    assert count_queries(client, reverse("archives:customer_list")) == one


@pytest.mark.django_db
def test_list_filters_and_sorts(client, owner, make_customer):
    client.force_login(owner)
    make_customer(owner=owner, name="甲", status="intent")
    make_customer(owner=owner, name="乙")
    html = client.get(reverse("archives:customer_list"), {"status": "intent"}).content.decode()
    assert "甲" in html and "乙" not in html
    html = client.get(reverse("archives:customer_list"), {"sort": "name"}).content.decode()
    assert html.index("乙") > 0


@pytest.mark.django_db
def test_consultant_sees_only_own_and_co_owned_archives(client, owner, colleague, make_customer):
    """R-ACC-01: a consultant sees the archives they own or co-own, nobody else's."""
    mine = make_customer(owner=owner, name="自己的客户")
    theirs = make_customer(owner=colleague, name="同事的客户")
    shared = make_customer(owner=colleague, name="共同跟进")
    services.set_co_owners(customer=shared, co_owners=[owner], by=colleague)
    client.force_login(owner)
    html = client.get(reverse("archives:customer_list")).content.decode()
    assert "自己的客户" in html and "共同跟进" in html and "同事的客户" not in html
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("archives:customer_history", args=[theirs.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 404), ("colleague", 404), ("owner", 200), ("manager", 200)],
)
def test_edit_page_access_matrix(client, request, customer, who, status):
    """R-ACC-01: only the owner (and the department manager) may open the edit form."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("archives:customer_edit", args=[customer.pk]))
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_a_denied_write_changes_nothing(client, request, customer, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("archives:customer_status", args=[customer.pk]),
        {"to": "intent", "reason": "抢单"},
    )
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.status == "lead"
    assert not customer.status_changes.exists()


@pytest.mark.django_db
def test_a_manager_looking_at_a_consultants_archive_is_logged(client, manager, customer, owner):
    """R-ACC-04: every view of an archive that is not one's own is registered."""
    client.force_login(owner)
    client.get(customer.get_absolute_url())
    assert not AccessLog.objects.exists()
    client.force_login(manager)
    assert client.get(customer.get_absolute_url()).status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.customer, log.action) == (manager, customer, "view")
    assert log.basis == "销售经理"


@pytest.mark.django_db
def test_phones_are_masked_for_a_manager_and_full_for_the_owner(client, manager, owner, customer):
    """R-ACC-06: 139****5678 for roles that do not need the full number."""
    client.force_login(manager)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    client.force_login(owner)
    assert "13912345678" in client.get(customer.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_new_archive_form_explains_bad_input_in_chinese_and_saves_nothing(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("archives:customer_create"),
        {"kind": "individual", "name": "", "mobile": "1381234", "source": "walk_in"},
    )
    html = response.content.decode()
    assert "不是有效的大陆手机号" in html
    assert "这个字段是必填项" in html or "必填" in html
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_registering_a_known_mobile_points_to_the_existing_archive(client, colleague, customer):
    """R-ARC-08: a known mobile never opens a second archive; the owner shows masked."""
    client.force_login(colleague)
    response = client.post(
        reverse("archives:customer_create"),
        {
            "kind": "individual",
            "name": "张三",
            "mobile": "13912345678",
            "source": "call",
            "category": "buyer",
            "secrecy": "public",
        },
    )
    html = response.content.decode()
    assert customer.number in html
    assert "张**" in html
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_consultant_opens_an_archive_and_owns_it(client, owner, project):
    """R-ARC-01: every walk-in becomes a numbered archive."""
    client.force_login(owner)
    response = client.post(
        reverse("archives:customer_create"),
        {
            "kind": "individual",
            "name": "新客户",
            "mobile": "13700001234",
            "source": "walk_in",
            "category": "buyer",
            "secrecy": "public",
            "project": project.pk,
        },
    )
    customer = Customer.objects.get()
    assert response.url == customer.get_absolute_url()
    assert customer.owner == owner and customer.number.startswith("KH-")


@pytest.mark.django_db
def test_profile_section_answers_are_validated_against_the_template(client, owner, customer):
    """R-ARC-03: answers follow the template's item types; corrections need a reason."""
    client.force_login(owner)
    item = ProfileItem.objects.get(key="marital_status")
    url = reverse("archives:profile_edit", args=[customer.pk, item.section_id])
    response = client.post(url, {"marital_status": "polygamous"})
    assert "选择一个有效的选项" in response.content.decode()
    client.post(url, {"marital_status": "married", "spouse_education": "x"})
    customer.refresh_from_db()
    assert customer.profile["marital_status"] == "married"
    response = client.post(url, {"marital_status": "divorced"})
    assert "请说明原因" in response.content.decode()
    client.post(url, {"marital_status": "divorced", "reason": "客户告知已离异"})
    customer.refresh_from_db()
    assert customer.profile["marital_status"] == "divorced"


@pytest.mark.django_db
def test_the_template_has_all_42_items_of_the_policy_in_six_sections():
    """R-ARC-03: §1's profile template, 42 items in six sections, with Chinese labels."""
    items = ProfileItem.objects.filter(section__template__project__isnull=True)
    assert items.count() == 42
    assert sorted(items.values_list("number", flat=True)) == list(range(1, 43))
    assert items.values("section").distinct().count() == 6
    assert items.get(number=28).kind == "multiple" and len(items.get(number=28).choices) == 7
    assert items.get(number=14).binding == "father,mother"


@pytest.mark.django_db
def test_family_member_with_a_lunar_birthday(client, owner, customer):
    """R-ARC-03: family members are structured, with solar or lunar birthdays."""
    client.force_login(owner)
    client.post(
        reverse("archives:family_add", args=[customer.pk]),
        {
            "relation": "mother",
            "name": "李秀英",
            "birthday_is_lunar": "on",
            "lunar_birth_month": "8",
            "lunar_birth_day": "15",
            "interests": "太极",
        },
    )
    mother = FamilyMember.objects.get()
    assert mother.birthday_label == "农历八月十五"
    html = client.get(customer.get_absolute_url()).content.decode()
    assert "李秀英" in html and "农历八月十五" in html


@pytest.mark.django_db
def test_history_page_shows_who_changed_what_and_marks_corrections(client, owner, customer):
    """R-ARC-07: field: old → new, with the correction and its reason, in Chinese."""
    services.update_customer(customer=customer, by=owner, changes={"occupation": "教师"})
    services.update_customer(
        customer=customer, by=owner, changes={"occupation": "校长"}, reason="升任校长"
    )
    services.save_profile(customer=customer, by=owner, answers={"native_place": "陕西西安"})
    client.force_login(owner)
    html = client.get(reverse("archives:customer_history", args=[customer.pk])).content.decode()
    assert "升任校长" in html
    assert "<del>教师</del>" in html and "<ins>校长</ins>" in html
    assert "7. 籍贯" in html and "陕西西安" in html
    assert html.count('class="revision correction"') == 1
    assert '<span class="tag red">更正</span>' in html


@pytest.mark.django_db
def test_a_status_change_is_in_the_history_with_its_reason_but_is_no_correction(
    client, owner, customer
):
    """R-ARC-05, R-ARC-07: a lead becoming an intent customer is the lifecycle moving on,
    recorded with its reason; only replacing what someone had typed in is a correction."""
    services.change_status(customer=customer, to=Status.INTENT, reason="看房两次", by=owner)
    client.force_login(owner)
    html = client.get(reverse("archives:customer_history", args=[customer.pk])).content.decode()
    assert "看房两次" in html and "<ins>意向客户</ins>" in html
    assert 'class="revision correction"' not in html


@pytest.mark.django_db
def test_unit_file_keeps_moved_out_tenants_apart(client, make_user, customer, owner):
    """R-ARC-14: one file per unit; moved-out tenants kept apart but findable."""
    import datetime as dt

    from tests.factories import UnitFactory

    unit = UnitFactory()
    occupancy = services.move_in(
        customer=customer, unit=unit, role="tenant", moved_in=dt.date(2025, 1, 1), by=owner
    )
    services.move_out(occupancy=occupancy, moved_out=dt.date(2025, 12, 31), by=owner)
    front_desk = make_user(Role.FRONT_DESK)
    client.force_login(front_desk)
    html = client.get(reverse("archives:unit_file", args=[unit.pk])).content.decode()
    moved_out_part = html.split("已迁出（另行存放）")[1]
    assert "张三" in moved_out_part


@pytest.mark.django_db
def test_search_words_never_reach_the_url(client, owner, make_customer):
    """R-ACC-06: a name or phone searched for is kept in the session, the URL carries a token."""
    make_customer(owner=owner, name="王五", mobile="13987654321")
    make_customer(owner=owner, name="赵六")
    client.force_login(owner)
    response = client.post(reverse("archives:customer_list"), {"q": "13987654321", "status": ""})
    assert "13987654321" not in response.url and "s=" in response.url
    html = client.get(response.url).content.decode()
    assert "王五" in html and "赵六" not in html
    assert 'value="13987654321"' in html  # the box still shows what was searched


@pytest.mark.django_db
def test_a_company_archive_shows_its_company_data_not_a_persons_profile(
    client, owner, make_customer, bank
):
    """R-ARC-02, R-ARC-03: §1's 42-item profile and the family describe a person; a bank's
    archive shows its legal representative and records instead."""
    person = make_customer(owner=owner, name="王丽华")
    client.force_login(owner)
    company_page = client.get(bank.get_absolute_url()).content.decode()
    assert 'id="company"' in company_page and "李明" in company_page
    assert 'id="profile"' not in company_page and 'id="family"' not in company_page
    person_page = client.get(person.get_absolute_url()).content.decode()
    assert 'id="profile"' in person_page and 'id="family"' in person_page


@pytest.mark.django_db
def test_a_company_archive_sheet_leaves_out_the_personal_profile(owner, make_customer, bank):
    """R-ARC-02: the printed and exported sheet of a company carries its company data, not
    §1's personal sections; a person's sheet carries them."""
    from archives.access import sheet

    person = make_customer(owner=owner, name="王丽华")
    company_titles = [section.title for section in sheet.sections(bank, owner)]
    person_titles = [section.title for section in sheet.sections(person, owner)]
    assert "家庭信息" not in company_titles and "家庭信息" in person_titles
    assert len(company_titles) < len(person_titles)


@pytest.mark.django_db
def test_the_timeline_shows_a_dated_record_without_a_midnight_time(client, owner, bank):
    """R-ARC-14: a yearly report is dated, not timed: its entry reads 2025-12-31, not
    2025-12-31 00:00; the archive's opening keeps its time of day."""
    import datetime as dt

    from archives.models import CompanyRecord

    CompanyRecord.objects.create(
        customer=bank,
        kind=CompanyRecord.Kind.PERFORMANCE,
        date=dt.date(2025, 12, 31),
        title="2025年度经营业绩",
        recorded_by=owner,
    )
    client.force_login(owner)
    html = client.get(bank.get_absolute_url()).content.decode()
    timeline = html.split('id="timeline"')[1]
    assert '">2025-12-31</time>' in timeline
    assert "2025-12-31 00:00" not in timeline
    opened = bank.created_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert f'">{opened:%Y-%m-%d %H:%M}</time>' in timeline
