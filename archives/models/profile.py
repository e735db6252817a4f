"""The profile template of §1 (客户信息档案, 42 items in six sections) and family members.

A template is data: the company default is seeded from the policy, and each project may have
its own copy whose items an administrator adds, removes, renames and reorders in the admin.
Answers live in Customer.profile keyed by the item's stable `key`, so renaming an item never
loses an answer. Items about spouse, parents and children are structured FamilyMember rows,
because greetings and follow-ups read their birthdays; items such as gender or the mobile
show the archive's own fields, so nothing is recorded twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from archives.models.customers import BirthdayFields, Customer
from crm.phones import mask_phone, national


class Bilingual:
    """Pick the Chinese or English label of a data row by the active language."""

    def pick(self, zh: str, en: str) -> str:
        if (translation.get_language() or "zh-hans").startswith("en") and en:
            return en
        return zh


class ProfileTemplate(Bilingual, models.Model):
    project = models.OneToOneField(
        "crm.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profile_template",
        help_text=_("Empty for the company's default template"),
    )
    name = models.CharField(_("name"), max_length=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile template")
        verbose_name_plural = _("profile templates")

    def __str__(self):
        return self.name


class ProfileSection(Bilingual, models.Model):
    template = models.ForeignKey(ProfileTemplate, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=40)
    title_zh = models.CharField(_("title (Chinese)"), max_length=50)
    title_en = models.CharField(_("title (English)"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile section")
        verbose_name_plural = _("profile sections")
        ordering = ["template", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="profile_section_key_unique")
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.pick(self.title_zh, self.title_en)


class ItemKind(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    FIELD = "field", _("Archive field")
    FAMILY = "family", _("Family members")


class ProfileItem(Bilingual, models.Model):
    section = models.ForeignKey(ProfileSection, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Stable name of the answer; never change it")
    )
    number = models.PositiveSmallIntegerField(_("item no."), null=True, blank=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=150, blank=True)
    note_zh = models.CharField(_("note (Chinese)"), max_length=200, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=ItemKind.choices)
    choices = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For choice items: [{"key": "a", "zh": "社区规划", "en": "Planning"}, …]'),
    )
    binding = models.CharField(
        _("bound to"),
        max_length=60,
        blank=True,
        help_text=_(
            "Archive data the item shows instead of an answer: gender, address, employer, "
            "phone:office, family:spouse:education; for family items the relations, "
            "e.g. father,mother"
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile item")
        verbose_name_plural = _("profile items")
        ordering = ["section__sort_order", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="profile_item_key_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.pick(self.label_zh, self.label_en)

    @property
    def answerable(self) -> bool:
        return self.kind not in (ItemKind.FIELD, ItemKind.FAMILY)

    @property
    def relation_list(self) -> list[str]:
        return [part for part in self.binding.split(",") if part] if self.kind == "family" else []

    @property
    def note(self) -> str:
        return self.pick(self.note_zh, self.note_en)

    def choice_label(self, key: str) -> str:
        for choice in self.choices:
            if choice.get("key") == key:
                return self.pick(choice.get("zh", key), choice.get("en", ""))
        return key

    def display(self, value) -> str:
        if value in (None, "", []):
            return ""
        if self.kind == ItemKind.CHOICE:
            return self.choice_label(value)
        if self.kind == ItemKind.MULTIPLE:
            return "、".join(self.choice_label(key) for key in value)
        return str(value)


class Relation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    FATHER = "father", _("Father")
    MOTHER = "mother", _("Mother")
    CHILD = "child", _("Child")
    OTHER = "other", _("Other")


class FamilyMember(BirthdayFields):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    work_or_school = models.CharField(_("work or school"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    interests = models.CharField(_("interests"), max_length=200, blank=True)
    health = models.CharField(_("health"), max_length=100, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["customer", "relation", "pk"]

    def __str__(self):
        return f"{self.get_relation_display()} {self.name}"

    @property
    def phone_display(self) -> str:
        return national(self.phone)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
