"""The unit picker (crm.forms.UnitField, crm:unit_lookup): units found the way people say them,
at most crm.units.LIMIT at a time, through the door, and a pk outside the form's list refused."""

import pytest
from django import forms
from django.urls import reverse

from crm import units
from crm.forms import UnitField
from crm.models import UnitUse
from tests.factories import BuildingFactory, FloorFactory, ProjectFactory, UnitFactory

LOOKUP = "crm:unit_lookup"


@pytest.fixture
def estate(db):
    """锦绣华庭: 3栋 and 13栋 each with a 1201, 3栋 also 1202; 翠湖 5栋 with a 1201 and a
    public lobby."""
    jinxiu = ProjectFactory(name="雪球·锦绣华庭")
    three = FloorFactory(building=BuildingFactory(project=jinxiu, name="3栋"), number=12)
    thirteen = FloorFactory(building=BuildingFactory(project=jinxiu, name="13栋"), number=12)
    cuihu = FloorFactory(
        building=BuildingFactory(project=ProjectFactory(name="翠湖"), name="5栋"), number=12
    )
    return {
        "3-1201": UnitFactory(floor=three, number="1201"),
        "3-1202": UnitFactory(floor=three, number="1202"),
        "13-1201": UnitFactory(floor=thirteen, number="1201"),
        "5-1201": UnitFactory(floor=cuihu, number="1201"),
        "lobby": UnitFactory(floor=cuihu, number="大堂", use=UnitUse.PUBLIC),
    }


def _found(query, scope="all"):
    return {unit.label for unit in units.find(units.scope(scope), query)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["3-1201", "3栋1201", "3栋-1201", "3 1201", "锦绣华庭 3栋 1201", "雪球·锦绣华庭 3栋-1201"],
)
def test_building_and_number_find_the_one_unit(estate, query):
    """R-ARC-14: units are organised by building; "3-1201" is 3栋's and not 13栋's."""
    assert _found(query) == {"雪球·锦绣华庭 3栋-1201"}


@pytest.mark.django_db
def test_a_number_alone_a_building_or_a_project_finds_all_of_theirs(estate):
    assert _found("1201") == {
        "雪球·锦绣华庭 3栋-1201",
        "雪球·锦绣华庭 13栋-1201",
        "翠湖 5栋-1201",
    }
    assert _found("120") >= {"雪球·锦绣华庭 3栋-1202", "翠湖 5栋-1201"}
    assert _found("3栋") == {"雪球·锦绣华庭 3栋-1201", "雪球·锦绣华庭 3栋-1202"}
    assert _found("翠湖") == {"翠湖 5栋-1201", "翠湖 5栋-大堂"}
    assert _found("翠湖", scope="dwellings") == {"翠湖 5栋-1201"}
    assert _found("锦绣华庭3栋1202") == {"雪球·锦绣华庭 3栋-1202"}
    assert _found("9栋-1201") == set()
    assert _found("   ") == set()


@pytest.mark.django_db
def test_buildings_come_in_the_order_people_count_them(estate):
    """R-ARC-14: with the same order number, 3栋 comes before 13栋 in the picker and in the
    property archive."""
    from crm.models import Building

    labels = [unit.label for unit in units.find(units.scope("all"), "1201")]
    assert labels == ["翠湖 5栋-1201", "雪球·锦绣华庭 3栋-1201", "雪球·锦绣华庭 13栋-1201"]
    jinxiu = estate["3-1201"].floor.building.project
    assert [b.name for b in Building.objects.filter(project=jinxiu)] == ["3栋", "13栋"]


@pytest.mark.django_db
def test_the_lookup_answers_by_post_with_no_more_than_the_cap(client, owner):
    floor = FloorFactory(building=BuildingFactory(name="8栋"), number=3)
    UnitFactory.create_batch(units.LIMIT + 5, floor=floor)
    client.force_login(owner)
    response = client.post(reverse(LOOKUP), {"field": "unit", "unit-find": "8栋"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('type="radio" name="unit"') == units.LIMIT
    assert "只显示前 20 个单元" in html
    assert client.get(reverse(LOOKUP)).status_code == 405  # the words never ride in a URL


@pytest.mark.django_db
def test_the_lookup_keeps_the_chosen_unit_and_names_radios_after_the_field(client, owner, estate):
    client.force_login(owner)
    chosen = estate["5-1201"]
    html = client.post(
        reverse(LOOKUP),
        {
            "field": "deal-unit",
            "scope": "dwellings",
            "deal-unit-find": "3-1201",
            "deal-unit": chosen.pk,
        },
    ).content.decode()
    assert f'name="deal-unit" value="{chosen.pk}" checked' in html
    assert f'value="{estate["3-1201"].pk}"' in html
    assert f'value="{estate["13-1201"].pk}"' not in html
    lobby = client.post(
        reverse(LOOKUP), {"field": "unit", "scope": "dwellings", "unit-find": "大堂"}
    ).content.decode()
    assert "没有符合的单元" in lobby


@pytest.mark.django_db
def test_anonymous_gets_the_login_page(client, estate):
    """R-ACC-01: the lookup is behind the login like every other page."""
    response = client.post(reverse(LOOKUP), {"field": "unit", "unit-find": "1201"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


class _Form(forms.Form):
    unit = UnitField(label="Unit", scope="dwellings")


@pytest.mark.django_db
def test_the_form_refuses_a_pk_outside_its_list(estate):
    """A forged pk — a public area, or no unit at all — is refused with a clear message."""
    for forged in (estate["lobby"].pk, 999999, "x"):
        form = _Form({"unit": forged})
        assert not form.is_valid()
        assert form.errors["unit"] == ["这个单元不能在这里选择。请重新搜索，从列表中选取。"]
    form = _Form({"unit": estate["3-1201"].pk})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == estate["3-1201"]


@pytest.mark.django_db
def test_without_javascript_find_shows_the_units_to_pick_from(estate):
    """No JavaScript: Find (or words typed but nothing picked) brings the form back unsaved,
    the units found as radios, the chosen one kept."""
    form = _Form({"unit-find": "3-1201", "unit-search": "1"})
    assert not form.is_valid()
    assert form.errors["unit"] == ["请从“3-1201”找到的单元中选取一个。"]
    html = str(form["unit"])
    assert f'name="unit" value="{estate["3-1201"].pk}"' in html
    assert 'value="3-1201"' in html
    assert "unit-search" in html  # the Find button, which the script removes

    form = _Form({"unit-find": "9栋-1201"})
    assert form.errors["unit"] == ["没有符合“9栋-1201”的单元。请输入楼栋和房号，例如 3-1201。"]

    picked = {"unit-find": "3-1201", "unit": estate["3-1201"].pk}
    form = _Form(picked)
    assert form.is_valid(), form.errors
    assert f'value="{estate["3-1201"].pk}" checked' in str(form["unit"])
    assert not _Form({}).is_valid()
