"""Forms of the shared core, and the unit picker every app's forms use."""

from __future__ import annotations

import json

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm import units as unit_search


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# --- The unit picker --------------------------------------------------------------------------
#
# A company has thousands of units; nobody scrolls a <select> of them at a counter or on a phone.
# The picker is a search box (`<name>-find`) and, below it, the units found as radio buttons
# named after the field, so the chosen unit's pk is what the form posts under the field's own
# name. While one types, htmx POSTs the words to crm:unit_lookup (search words stay out of URLs,
# R-ACC-06), which sends back the radios. Without JavaScript the box's Find button submits the
# form, which comes back unsaved with the units found to choose from. Either way the field
# validates the pk against its own queryset.


class Picked(str):
    """What a picker posted: the chosen pk (the string itself), the words in its search box,
    and whether its Find button (the no-JavaScript search) was pressed."""

    words: str = ""
    find: bool = False

    def __new__(cls, pk="", words="", find=False):
        value = super().__new__(cls, pk or "")
        value.words, value.find = (words or "").strip(), bool(find)
        return value


def _pk(value) -> int | None:
    if value is None or hasattr(value, "_meta"):
        return getattr(value, "pk", None)
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def choices_context(*, name, units, words, chosen_pk, empty_label=None) -> dict:
    """What crm/includes/unit_choices.html shows: the chosen unit first, then the units that
    fit the words (at most units.LIMIT), and whether there are more."""
    chosen = units.with_location().filter(pk=chosen_pk).first() if chosen_pk else None
    found = unit_search.find(units, words, limit=unit_search.LIMIT + 1) if words else []
    more = len(found) > unit_search.LIMIT
    found = [unit for unit in found[: unit_search.LIMIT] if chosen is None or unit != chosen]
    return {
        "name": name,
        "words": words,
        "chosen": chosen,
        "found": found,
        "more": more,
        "limit": unit_search.LIMIT,
        "empty_label": empty_label,
    }


class UnitPicker(forms.Widget):
    template_name = "crm/includes/unit_picker.html"
    scope = "all"
    empty_label = None

    def value_from_datadict(self, data, files, name):
        return Picked(
            data.get(name, ""), words=data.get(f"{name}-find", ""), find=f"{name}-search" in data
        )

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}-find" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        queryset = self.choices.queryset if hasattr(self, "choices") else unit_search.scope("all")
        widget.update(
            choices_context(
                name=name,
                units=queryset,
                words=getattr(value, "words", ""),
                chosen_pk=_pk(value),
                empty_label=self.empty_label,
            )
        )
        widget["id"] = widget["attrs"].get("id") or f"id_{name}"
        widget["lookup_url"] = reverse("crm:unit_lookup")
        widget["hx_vals"] = json.dumps(
            {"field": name, "scope": self.scope, "optional": "" if self.is_required else "1"}
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's own template engine (its templates/ folder and {% translate %}).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


class UnitField(forms.ModelChoiceField):
    """A unit chosen with the picker, validated against `queryset` (by default the units of
    `scope`, one of crm.units.SCOPES): a pk outside it is refused."""

    widget = UnitPicker
    default_error_messages = {
        "invalid_choice": _(
            "This unit cannot be chosen here. Search for it again and pick it from the list."
        ),
        "pick": _("Pick one of the units found for “%(words)s”."),
        "none_found": _("No unit matches “%(words)s”. Try the building and number, e.g. 3-1201."),
    }

    def __init__(self, *, scope="all", queryset=None, empty_label=None, **kwargs):
        if scope not in unit_search.SCOPES:
            raise ValueError(f"unknown unit scope {scope!r}")
        if queryset is None:
            queryset = unit_search.scope(scope).with_location()
        super().__init__(queryset, empty_label=empty_label, **kwargs)
        self.widget.scope = scope
        self.widget.empty_label = empty_label or _("— none —")

    def label_from_instance(self, unit):
        return unit.label

    def clean(self, value):
        words = getattr(value, "words", "")
        if words and (getattr(value, "find", False) or not value):
            params = {"words": words[:40]}
            if not unit_search.find(self.queryset, words, limit=1):
                raise ValidationError(
                    self.error_messages["none_found"], code="none_found", params=params
                )
            raise ValidationError(self.error_messages["pick"], code="pick", params=params)
        return super().clean(str(value) if value is not None else value)
