"""The shared core's data: people, property structure, form numbers, work calendar, messages."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.phones import mask_phone


class Company(models.Model):
    """The operating company whose name and logo go on every printed form (R-FRM-02)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="company/", blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name


class Department(models.Model):
    """销售部, 客服部, 工程部 …: data, not code, so a company can add its own."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=50)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("department head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="department_code_unique")
        ]

    def __str__(self):
        return self.name


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LEAVING = "leaving", _("Leaving")
    LEFT = "left", _("Left")


class StaffQuerySet(models.QuerySet):
    def working(self):
        """Staff who may still be given work (not those who left)."""
        return self.filter(is_active=True).exclude(employment_status=EmploymentStatus.LEFT)

    def with_role(self, *roles: str):
        return self.filter(groups__name__in=roles).distinct()


class StaffManager(UserManager.from_queryset(StaffQuerySet)):
    pass


class User(AbstractUser):
    """A member of staff. Chinese names are written whole (张伟), not split in two."""

    name = models.CharField(_("full name"), max_length=50, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    employment_status = models.CharField(
        _("employment status"),
        max_length=10,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ACTIVE,
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Notifications are written in this language"),
    )

    objects = StaffManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)


# --- Property structure: project → building → floor → unit ---------------------------------


class ProjectKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    MIXED = "mixed", _("Mixed use")


class Project(models.Model):
    """楼盘/项目: a development that is sold, let and managed."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="projects")
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.RESIDENTIAL
    )
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("crm:project_detail", args=[self.pk])


class Building(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("name"), max_length=30, help_text=_("e.g. 3栋 or A座"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        # 3栋 before 13栋: a shorter name first, then by name (numbers as people count them).
        ordering = ["project", "sort_order", Length("name"), "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="building_name_unique")
        ]

    def __str__(self):
        return f"{self.project.name} {self.name}"

    def get_absolute_url(self):
        return f"{self.project.get_absolute_url()}#building-{self.pk}"


class Floor(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="floors")
    number = models.SmallIntegerField(_("floor"), help_text=_("Negative for basements"))

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="floor_number_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.number < 0:
            return _("B%(n)s") % {"n": -self.number}
        return _("%(n)sF") % {"n": self.number}


class UnitUse(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    PUBLIC = "public", _("Public area")


class UnitQuerySet(models.QuerySet):
    def with_location(self):
        return self.select_related("floor__building__project")


class Unit(models.Model):
    """单元: one door, one file (§14)."""

    floor = models.ForeignKey(Floor, on_delete=models.PROTECT, related_name="units")
    number = models.CharField(_("unit number"), max_length=20)
    area = models.DecimalField(_("area (m²)"), max_digits=9, decimal_places=2, null=True)
    use = models.CharField(
        _("use"), max_length=12, choices=UnitUse.choices, default=UnitUse.RESIDENTIAL
    )
    layout = models.CharField(
        _("layout / product"), max_length=30, blank=True, help_text=_("e.g. 三室两厅 or 临街商铺")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["floor__building", "-floor__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["floor", "number"], name="unit_number_unique")
        ]
        # The unit picker looks numbers up by their beginning (number LIKE '1201%', crm.units);
        # the pattern operator class lets PostgreSQL answer that from the index.
        indexes = [
            models.Index(
                fields=["number"], name="unit_number_idx", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("crm:unit_detail", args=[self.pk])

    @property
    def label(self) -> str:
        building = self.floor.building
        return f"{building.project.name} {building.name}-{self.number}"

    @property
    def short_label(self) -> str:
        return f"{self.floor.building.name}-{self.number}"


# --- Forms and their numbers (R-FRM-01) -----------------------------------------------------


class NumberSequence(models.Model):
    """The last number handed out per form kind and year; see crm.numbering."""

    kind = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="number_sequence_unique")
        ]

    def __str__(self):
        return f"{self.kind}-{self.year}: {self.last}"


class NumberedForm(models.Model):
    """A paper form of the policies: numbered, signed by who filled it in, signed off (§3).

    Subclasses set NUMBER_KIND; the number comes from crm.numbering in the service that
    creates the form, never from the form itself.
    """

    NUMBER_KIND: ClassVar[str] = ""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled in by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filled_at = models.DateTimeField(_("filled in at"), default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None


# --- Work calendar --------------------------------------------------------------------------


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a statutory holiday or a make-up workday (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("is a workday"), help_text=_("Ticked for a make-up workday on a weekend (调休)")
    )
    name = models.CharField(_("name"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarYear(models.Model):
    """A year whose official holiday arrangement has been entered.

    Without a row here a year falls back to weekends only, and Snowball says so.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar package")
        ADMIN = "admin", _("Entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


# --- Messages: in-app notifications and SMS -------------------------------------------------


class NotificationLevel(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    level = models.CharField(
        _("level"), max_length=8, choices=NotificationLevel.choices, default=NotificationLevel.INFO
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            )
        ]

    def __str__(self):
        return self.title


class SmsStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SmsMessage(models.Model):
    """Every text message Snowball sends, whatever the backend (the record the policies ask for)."""

    phone = models.CharField(_("phone"), max_length=20)
    body = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=SmsStatus.choices, default=SmsStatus.PENDING
    )
    backend = models.CharField(_("backend"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="sms_status_idx")]

    def __str__(self):
        return f"{mask_phone(self.phone)} {self.body[:20]}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
