"""Dashboards per role, property browsing, error pages, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.roles import Role
from tests.factories import BuildingFactory, FloorFactory, ProjectFactory, UnitFactory


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_lands_on_its_own_dashboard(client, make_user, role):
    person = make_user(role)
    client.force_login(person)
    html = client.get(reverse("crm:dashboard")).content.decode()
    label = str(dict(Role.choices)[role])
    assert f'<span class="tag">{label}</span>' in html
    assert 'data-panel="crm.notifications"' in html


@pytest.mark.django_db
def test_the_menu_shows_only_what_the_role_may_use(client, owner, admin_user):
    client.force_login(owner)
    html = client.get(reverse("crm:dashboard")).content.decode()
    assert reverse("crm:project_list") in html
    assert reverse("admin:index") not in html
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("crm:dashboard")).content.decode()


@pytest.mark.django_db
def test_the_menu_marks_one_entry_as_the_current_page(make_user):
    """The access log lives under /archives/ too: only its own entry is current there."""
    from crm.navigation import menu_for

    keeper = make_user(Role.ARCHIVE_KEEPER)
    current = [e["key"] for e in menu_for(keeper, reverse("archives:access_log")) if e["active"]]
    assert current == ["access_log"]
    current = [e["url"] for e in menu_for(keeper, reverse("archives:customer_list")) if e["active"]]
    assert current == [reverse("archives:customer_list")]


@pytest.mark.django_db
def test_admins_are_told_when_next_years_holidays_are_missing(client, general_manager, owner):
    client.force_login(general_manager)
    assert 'data-testid="calendar-warning"' in client.get("/dashboard/").content.decode()
    client.force_login(owner)
    assert 'data-testid="calendar-warning"' not in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_property_browse_goes_project_building_floor_unit(client, owner):
    unit = UnitFactory(number="1201")
    project = unit.floor.building.project
    client.force_login(owner)
    html = client.get(reverse("crm:project_list")).content.decode()
    assert project.name in html
    html = client.get(project.get_absolute_url()).content.decode()
    assert unit.get_absolute_url() in html
    html = client.get(unit.get_absolute_url()).content.decode()
    assert "1201" in html


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_project_list_query_count_is_the_same_for_1_and_20_projects(client, owner):
    client.force_login(owner)
    ProjectFactory()
    one = _count_queries(client, reverse("crm:project_list"))
    for _ in range(19):
        ProjectFactory()
    assert _count_queries(client, reverse("crm:project_list")) == one


@pytest.mark.django_db
def test_project_page_query_count_does_not_grow_with_units(client, owner):
    client.force_login(owner)
    building = BuildingFactory()
    floor = FloorFactory(building=building, number=1)
    UnitFactory(floor=floor)
    one = _count_queries(client, building.project.get_absolute_url())
    for number in range(2, 6):
        FloorFactory(building=building, number=number)
        UnitFactory.create_batch(4, floor=floor)
    BuildingFactory(project=building.project)
    assert _count_queries(client, building.project.get_absolute_url()) == one


@pytest.mark.django_db
def test_missing_pages_are_friendly_and_chinese(client, owner):
    client.force_login(owner)
    response = client.get("/property/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok"}
