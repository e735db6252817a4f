"""The demo data loads in full, and loading it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command


def counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_demo_data_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert first["crm.User"] >= 18
    assert first["crm.Unit"] > 50
