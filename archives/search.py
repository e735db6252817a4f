"""Finding a customer the way a sales office asks: by name, any phone or its last four digits,
archive number, company name, or pinyin and pinyin initials (R-ARC-15).

Each archive keeps `search_keys`: its name, full pinyin and initials for every reading of a
polyphonic surname (曾 zeng, 单 shan, 仇 qiu …), plus the employer. On PostgreSQL a trigram
index makes `icontains` on it fast; SQLite scans, which is fine at its scale.
"""

from __future__ import annotations

import itertools
import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from pypinyin import Style, lazy_pinyin, pinyin

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


def build_search_keys(name: str, *extra: str) -> str:
    keys: list[str] = [name.lower()]
    if re.search(r"[\u4e00-\u9fff]", name):
        for syllables in _name_readings(name):
            syllables = [s for s in syllables if s]
            if not syllables:
                continue
            keys.append("".join(syllables))
            keys.append("".join(s[0] for s in syllables))
    keys += [value.lower() for value in extra if value]
    return " ".join(dict.fromkeys(keys))


def search_customers(queryset: QuerySet, query: str) -> QuerySet:
    from archives.models import CustomerPhone

    text = (query or "").strip()
    if not text:
        return queryset
    digits = re.sub(r"\D", "", text)
    condition = Q(search_keys__icontains=text.lower()) | Q(number__iexact=text)
    if text.upper().startswith(("KH-", "KH")) and len(text) >= 4:
        condition |= Q(number__icontains=text.upper())
    if digits and len(digits) == len(re.sub(r"[\s\-+]", "", text)):
        phones = CustomerPhone.objects.filter(customer=OuterRef("pk"))
        if len(digits) == 4:
            condition |= Exists(phones.filter(tail=digits))
        elif len(digits) >= 7:
            condition |= Exists(phones.filter(number__endswith=digits[-11:]))
    return queryset.filter(condition)


def readings_for_display(name: str) -> list[str]:
    return ["".join(syllables) for syllables in itertools.islice(_name_readings(name), 3)]
