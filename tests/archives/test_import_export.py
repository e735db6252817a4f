"""Import of existing customer lists and export of the filtered list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from archives.models import AccessLog, Customer, ImportBatch, Secrecy


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, name, content, **extra):
    return client.post(
        reverse("archives:import_upload"),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


@pytest.mark.django_db
def test_import_explains_every_bad_row_and_imports_only_after_confirmation(
    client, owner, colleague, make_customer
):
    existing = make_customer(owner=colleague, name="老客户", mobile="13911112222")
    content = xlsx(
        [
            ["客户姓名", "手机号", "身份证号", "性别", "备注"],
            ["王小明", 13800001111, "", "男", "展会"],
            ["", "13800002222", "", "", ""],
            ["李四", "1380000", "", "", ""],
            ["赵五", "13800003333", "110105194912310021", "", ""],
            ["老客户", "13911112222", "", "女", ""],
            ["重复", "13800001111", "", "", ""],
        ]
    )
    client.force_login(owner)
    response = upload(client, "客户名单.xlsx", content, owner=owner.pk)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("archives:import_preview", args=[batch.pk])
    html = client.get(response.url).content.decode()
    assert "缺少姓名" in html
    assert "不是有效的大陆手机号" in html
    assert "身份证号码最后一位校验码不符" in html
    assert f"与档案 {existing.number} 重复（归属：李**）" in html  # the colleague's name masked
    assert "与第 2 行手机号相同" in html
    assert Customer.objects.count() == 1  # nothing imported before confirmation
    client.post(
        response.url, {"action": "confirm", **{f"col_{i}": v for i, v in batch.mapping.items()}}
    )
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["王小明", "老客户"]
    batch.refresh_from_db()
    assert (batch.imported, batch.skipped, batch.rows) == (1, 5, [])
    imported = Customer.objects.get(name="王小明")
    assert imported.owner == owner and imported.gender == "male"


@pytest.mark.django_db
def test_gbk_csv_is_read_and_columns_can_be_remapped(client, owner):
    content = "名字,电话\n张三丰,13912340000\n".encode("gbk")
    client.force_login(owner)
    response = upload(client, "list.csv", content)
    batch = ImportBatch.objects.get()
    assert batch.encoding == "GBK"
    assert batch.mapping == {"1": "mobile"}  # "名字" is not a known header
    client.post(response.url, {"action": "remap", "col_0": "name", "col_1": "mobile"})
    batch.refresh_from_db()
    assert batch.mapping == {"0": "name", "1": "mobile"}
    client.post(response.url, {"action": "confirm", "col_0": "name", "col_1": "mobile"})
    assert Customer.objects.get().name == "张三丰"


@pytest.mark.django_db
def test_an_import_is_seen_only_by_its_uploader(client, owner, colleague):
    client.force_login(owner)
    upload(client, "a.csv", "姓名,手机\n甲,13912340001\n".encode())
    batch = ImportBatch.objects.get()
    client.force_login(colleague)
    assert client.get(reverse("archives:import_preview", args=[batch.pk])).status_code == 404


@pytest.mark.django_db
def test_a_broken_file_is_refused_with_a_reason(client, owner):
    client.force_login(owner)
    response = upload(client, "x.xlsx", b"not a zip")
    assert "不是可读取的 Excel 文件" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_export_writes_the_filtered_list_and_registers_it(client, manager, owner, make_customer):
    """R-ACC-04: every export is logged; R-ACC-03: protected archives need approval first."""
    make_customer(owner=owner, name="公开客户", status="intent")
    make_customer(owner=owner, name="另一个", status="lead")
    make_customer(owner=owner, name="机密客户", status="intent", secrecy=Secrecy.CONFIDENTIAL)
    client.force_login(owner)
    response = client.get(reverse("archives:customer_export"), {"status": "intent"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["公开客户"]  # the owner's confidential archive needs approval to leave
    assert sheet.cell(1, 1).value == "档案编号"
    assert list(AccessLog.objects.values_list("action", "basis")) == [("export", "归属顾问")]
    client.force_login(manager)
    response = client.get(reverse("archives:customer_export"), {"status": "intent"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == ["公开客户"]  # 机密 leaves only with approval, §10
    assert all("****" in row[10] for row in rows)  # the manager does not call them
