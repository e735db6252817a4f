"""Finding a customer the way a sales office asks: by name, any phone or its last four digits,
archive number, company name, or pinyin and pinyin initials (R-ARC-15).

Each archive keeps `search_keys`: its name and the name's tails (小明, 明), full pinyin and
initials for every reading of a polyphonic surname (曾 zeng, 单 shan, 仇 qiu …), the
employer, and its number. A query matches when each of its words starts one of these words:
on PostgreSQL a full-text prefix query served by a GIN index, on SQLite a LIKE.
"""

from __future__ import annotations

import itertools
import re

from django.db import connection
from django.db.models import F, Lookup, Q, QuerySet
from pypinyin import Style, lazy_pinyin, pinyin

from crm.permissions import among

# Surnames whose reading differs from the character's everyday reading.
SURNAME_READINGS = {
    "曾": ["zeng"],
    "单": ["shan"],
    "仇": ["qiu"],
    "解": ["xie"],
    "查": ["zha"],
    "区": ["ou"],
    "朴": ["piao"],
    "覃": ["qin"],
    "盖": ["ge"],
    "缪": ["miao"],
    "翟": ["zhai"],
    "乐": ["yue", "le"],
    "种": ["chong"],
    "繁": ["po"],
    "秘": ["bi"],
    "黑": ["he"],
    "员": ["yun"],
    "召": ["shao"],
    "折": ["she"],
    "那": ["na"],
    "卜": ["bu"],
    "柏": ["bai"],
    "藏": ["zang"],
    "宓": ["mi"],
    "尉迟": ["yuchi"],
    "万俟": ["moqi"],
    "单于": ["chanyu"],
    "长孙": ["zhangsun"],
    "澹台": ["tantai"],
}
_MAX_READINGS = 6


def _name_readings(name: str) -> list[list[str]]:
    """Each reading of the name as a list of syllables; the surname's readings first."""
    for length in (2, 1):
        surname = name[:length]
        if surname in SURNAME_READINGS and len(name) > length:
            rest = lazy_pinyin(name[length:], errors="ignore")
            everyday = lazy_pinyin(surname, errors="ignore")
            readings = [[reading, *rest] for reading in SURNAME_READINGS[surname]]
            if everyday and [*everyday, *rest] not in readings:
                readings.append([*everyday, *rest])
            return readings
    # Other names: the common reading, plus heteronyms of the first character.
    first = pinyin(name[:1], style=Style.NORMAL, heteronym=True, errors="ignore")
    rest = lazy_pinyin(name[1:], errors="ignore")
    options = first[0][:3] if first and first[0] else []
    readings = [[option, *rest] for option in options] or [rest]
    common = lazy_pinyin(name, errors="ignore")
    if common not in readings:
        readings.insert(0, common)
    return readings[:_MAX_READINGS]


def _suffixes(text: str) -> list[str]:
    """小明 and 明 for 曾小明, so a given name alone finds the archive by prefix."""
    return [text[index:] for index in range(1, len(text))] if _CJK.search(text) else []


def build_search_keys(name: str, *extra: str, number: str = "") -> str:
    """Space-separated words that a prefix search can match (see search_customers)."""
    name = name.strip()
    keys: list[str] = [name.lower(), *_suffixes(name)]
    if _CJK.search(name):
        for syllables in _name_readings(name):
            syllables = [s for s in syllables if s]
            if not syllables:
                continue
            keys.append("".join(syllables))
            keys.append("".join(s[0] for s in syllables))
    for value in extra:
        if value:
            keys += [value.lower(), *_suffixes(value)]
    if number:
        keys += [number.lower(), *number.lower().split("-"), number.rsplit("-", 1)[-1].lstrip("0")]
    return " ".join(dict.fromkeys(key.replace(" ", "") for key in keys if key))


_CJK = re.compile(r"[\u4e00-\u9fff]")
_TOKEN = re.compile(r"[0-9a-z\u4e00-\u9fff]+")


class PrefixMatch(Lookup):
    """PostgreSQL full-text prefix match: every word of the query starts a word of the keys.
    Served by the GIN index on to_tsvector('simple', search_keys) (migration 0005).

    A lookup, so that Django resolves it once when the filter is built rather than on every
    compilation of the query."""

    lookup_name = "prefix_match"
    prepare_rhs = False  # the tsquery text goes to the database as it is

    def as_sql(self, compiler, connection):
        keys, keys_params = self.process_lhs(compiler, connection)
        query, query_params = self.process_rhs(compiler, connection)
        sql = (
            f"to_tsvector('simple'::regconfig, {keys}) @@ to_tsquery('simple'::regconfig, {query})"
        )
        return sql, (*keys_params, *query_params)


def _keys_match(tokens: list[str]):
    if connection.vendor == "postgresql":
        query = " & ".join(f"{token}:*" for token in tokens)
        return PrefixMatch(F("search_keys"), query)
    condition = Q()
    for token in tokens:  # SQLite: the same word-prefix test as LIKEs, quick at its scale
        condition &= Q(search_keys__startswith=token) | Q(search_keys__contains=f" {token}")
    return condition


def search_customers(queryset: QuerySet, query: str) -> QuerySet:
    """Name, pinyin, initials, company, archive number (word prefixes), or a phone (full or
    its last four digits).

    Phone matches are a subquery computed once, so on PostgreSQL the whole test is `words
    match OR id = ANY(ARRAY(phone matches))`: two index scans joined by a BitmapOr.
    """
    from archives.models import CustomerPhone

    text = (query or "").strip().lower()
    tokens = _TOKEN.findall(text)
    if not tokens:
        return queryset
    condition = Q(_keys_match(tokens))
    digits = "".join(tokens) if all(token.isdigit() for token in tokens) else ""
    phones = CustomerPhone.objects.none()
    if len(digits) == 4:
        phones = CustomerPhone.objects.filter(tail=digits)
    elif len(digits) >= 7:
        phones = CustomerPhone.objects.filter(number__endswith=digits[-11:])
    if digits:
        condition |= among("pk", phones.values("customer_id")[:MAX_PHONE_MATCHES])
    return queryset.filter(condition)


MAX_PHONE_MATCHES = 1000


def readings_for_display(name: str) -> list[str]:
    return ["".join(syllables) for syllables in itertools.islice(_name_readings(name), 3)]
