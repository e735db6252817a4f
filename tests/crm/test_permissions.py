"""The access door of crm.permissions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from crm import notifications, permissions
from crm.models import Notification, NumberSequence


@pytest.mark.django_db
def test_a_model_without_a_rule_is_refused_loudly(owner):
    with pytest.raises(ImproperlyConfigured):
        permissions.visible(owner, "view", NumberSequence.objects.all())


@pytest.mark.django_db
def test_anonymous_and_inactive_users_see_nothing(owner):
    notifications.notify([owner], "x")
    assert not permissions.visible(AnonymousUser(), "view", Notification.objects.all()).exists()
    owner.is_active = False
    assert not permissions.visible(owner, "view", Notification.objects.all()).exists()


@pytest.mark.django_db
def test_strangers_get_404_not_403(owner, colleague):
    (notification,) = notifications.notify([owner], "x")
    assert permissions.get_for_user_or_404(owner, "view", Notification, notification.pk)
    with pytest.raises(Http404):
        permissions.get_for_user_or_404(colleague, "view", Notification, notification.pk)
    with pytest.raises(Http404):
        permissions.get_for_user_or_404(owner, "view", Notification, "not-a-number")


@pytest.mark.django_db
def test_unknown_action_is_a_programming_error(owner):
    with pytest.raises(ValueError):
        permissions.visible(owner, "delete-everything", Notification.objects.all())
