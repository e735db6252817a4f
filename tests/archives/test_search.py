"""Finding customers by name, pinyin, initials, phone and number (R-ARC-15)."""

import pytest

from archives.models import Customer
from archives.search import build_search_keys, search_customers


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.fixture
def people(make_customer, owner):
    for name in ["张三", "曾小明", "单田芳", "仇英", "欧阳娜娜", "李娜"]:
        make_customer(owner=owner, name=name)
    return Customer.objects.all()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zhangsan", ["张三"]),
        ("zs", ["张三"]),
        ("ZS", ["张三"]),
        ("张", ["张三"]),
        ("zengxiaoming", ["曾小明"]),  # 曾 as a surname reads zeng
        ("zxm", ["曾小明"]),
        ("shantianfang", ["单田芳"]),  # 单 as a surname reads shan, not dan
        ("qiuying", ["仇英"]),  # 仇 as a surname reads qiu, not chou
        ("oynn", ["欧阳娜娜"]),  # a two-character surname
        ("lina", ["李娜"]),
    ],
)
def test_pinyin_and_initials_find_chinese_names(people, query, expected):
    """R-ARC-15: 张三 ← "zhangsan", "zs"; polyphonic surnames by their surname reading."""
    assert names(search_customers(people, query)) == expected


@pytest.mark.django_db
def test_phone_full_or_last_four_digits_and_archive_number(make_customer, owner):
    """R-ARC-15: any phone, its last four digits, or the archive number."""
    customer = make_customer(owner=owner, name="王五", mobile="13987654321")
    make_customer(owner=owner, name="赵六", mobile="13900001111")
    everyone = Customer.objects.all()
    assert names(search_customers(everyone, "4321")) == ["王五"]
    assert names(search_customers(everyone, "139 8765 4321")) == ["王五"]
    assert names(search_customers(everyone, customer.number)) == ["王五"]
    assert names(search_customers(everyone, customer.number.lower())) == ["王五"]


@pytest.mark.django_db
def test_company_name_of_an_individual_is_searchable(make_customer, owner):
    make_customer(owner=owner, name="周杰", employer="秦川建设")
    assert names(search_customers(Customer.objects.all(), "秦川")) == ["周杰"]


def test_search_keys_hold_every_surname_reading():
    keys = build_search_keys("曾小明").split()
    assert {"zengxiaoming", "zxm", "cengxiaoming", "cxm"} <= set(keys)
