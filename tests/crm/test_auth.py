"""Logging in, locking out, logging out, changing the password — in Chinese by default."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.django_db
def test_login_page_is_chinese_even_for_an_english_browser(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert "<title>登录 · 雪球</title>" in html
    assert "用户名" in html


@pytest.mark.django_db
def test_language_switch_turns_the_interface_english_and_back(client, owner):
    client.force_login(owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/dashboard/"})
    assert "Dashboard" in client.get(reverse("crm:dashboard")).content.decode()
    owner.refresh_from_db()
    assert owner.language == "en"
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/dashboard/"})
    assert "工作台" in client.get(reverse("crm:dashboard")).content.decode()


@pytest.mark.django_db
def test_login_reaches_the_dashboard(client):
    UserFactory(username="zhoumin", name="周敏")
    response = client.post(
        reverse("login"), {"username": "zhoumin", "password": "Snowball-2026"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("crm:dashboard")
    assert "您好，周敏" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client, settings):
    """Five wrong passwords lock the account; even the right one is then refused."""
    UserFactory(username="zhoumin")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "zhoumin", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "zhoumin", "password": "Snowball-2026"})
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_a_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("crm:dashboard")).status_code == 302


@pytest.mark.django_db
def test_password_change_checks_strength(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": "Snowball-2026", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Snowball-2026",
            "new_password1": "Xueqiu-snow-77",
            "new_password2": "Xueqiu-snow-77",
        },
    )
    assert response.url == reverse("password_change_done")


@pytest.mark.django_db
def test_pages_need_a_login(client):
    response = client.get(reverse("crm:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
