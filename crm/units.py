"""Finding a unit the way people say it: "3-1201", "3栋1201", "3栋 1201", "1201", "锦绣华庭 3栋"
or the whole label "雪球·锦绣华庭 3栋-1201".

Each word of the query must fit the unit, and a word fits when it names the unit's building
or project, or begins the unit's number. Names are looked up in the small tables (projects,
buildings); the large one, units, is only asked for `floor__building IN (…)` (the foreign key
index) and `number LIKE 'word%'` (unit_number_idx, a pattern index on PostgreSQL) — no
`LIKE '%word%'` over every unit of the company.

A word before the last that names a building ("3" of "3-1201") counts as the building only,
so "3-1201" does not also bring 13栋-1201 or 5栋-3… up.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.db.models.functions import Concat, Length

from crm.models import Building, Unit, UnitUse

LIMIT = 20

_SEPARATORS = re.compile(r"[\s\-－—–/、,，]+")
# "3栋1201", "A座0802", "锦绣华庭3号楼1201": the building ends at 栋/座/幢/楼, the unit follows.
_BUILDING_AND_UNIT = re.compile(r"^(?P<building>.+?[栋座幢楼])(?P<unit>\w*\d\w*)$")


def _all_units() -> QuerySet:
    return Unit.objects.all()


def _dwellings() -> QuerySet:
    """Units a customer can buy, rent or live in: not the public areas."""
    return Unit.objects.exclude(use=UnitUse.PUBLIC)


# The unit lists a picker may offer, by name; the picker's lookup is told which one it serves.
SCOPES = {"all": _all_units, "dwellings": _dwellings}


def scope(name: str) -> QuerySet:
    return SCOPES.get(name, _all_units)()


def words(query: str) -> list[str]:
    found = []
    for word in _SEPARATORS.split(query.strip()[:100]):
        match = _BUILDING_AND_UNIT.match(word)
        if match:
            found += [match["building"], match["unit"]]
        elif word:
            found.append(word)
    return found[:6]


def _buildings_named(word: str) -> list[int]:
    """The buildings a word names: its own name ("3" names 3栋 and 3号楼, not 13栋 or 30栋),
    its project's name, or both together ("锦绣华庭3栋"). A word that begins with a digit must
    not follow another digit ("3栋" is not in "13栋")."""
    if word.isdigit():
        condition = Q(name=word) | Q(name__regex=rf"^{word}[^0-9]")
    elif word[0].isdigit():
        pattern = rf"(^|[^0-9]){re.escape(word)}"
        condition = (
            Q(name__iregex=pattern)
            | Q(project__name__iregex=pattern)
            | Q(full_name__iregex=pattern)
        )
    else:
        condition = (
            Q(name__icontains=word)
            | Q(project__name__icontains=word)
            | Q(full_name__icontains=word)
        )
    buildings = Building.objects.annotate(full_name=Concat("project__name", "name"))
    return list(buildings.filter(condition).values_list("pk", flat=True))


def _number_begins(word: str) -> Q:
    condition = Q(number__startswith=word)
    if word.upper() != word:
        condition |= Q(number__startswith=word.upper())
    return condition


def find(units: QuerySet, query: str, limit: int = LIMIT) -> list[Unit]:
    """At most `limit` units of `units` that fit every word of the query, in site order."""
    list_words = words(query)
    if not list_words:
        return []
    found = units
    for position, word in enumerate(list_words):
        buildings = _buildings_named(word)
        if buildings and position < len(list_words) - 1:
            found = found.filter(floor__building__in=buildings)
        else:
            found = found.filter(Q(floor__building__in=buildings) | _number_begins(word))
    return list(
        found.with_location().order_by(
            "floor__building__project__name",
            "floor__building__sort_order",
            Length("floor__building__name"),  # 3栋 before 13栋
            "floor__building__name",
            "-floor__number",
            "number",
        )[:limit]
    )
