"""The customer archive (客户档案) and what hangs directly off it: phones, grade and
classification, status changes, company records and deals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm import workcalendar
from crm.phones import mask_phone, national


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")


class Category(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    TENANT = "tenant", _("Tenant")
    MERCHANT = "merchant", _("Merchant")
    SUPPLIER = "supplier", _("Supplier")
    DISTRIBUTOR = "distributor", _("Distributor")
    LAWYER = "lawyer", _("Lawyer")
    FINANCIAL_ADVISER = "financial_adviser", _("Financial adviser")
    ADVERTISING = "advertising", _("Advertising agency")
    PUBLIC_RELATIONS = "public_relations", _("Public relations")
    BANK = "bank", _("Bank")
    INSURER = "insurer", _("Insurer")
    FINANCING = "financing", _("Financing agency")

    @classmethod
    def special(cls) -> set[str]:
        """The special class of §4: advisers and institutions rather than trading partners."""
        return {
            cls.LAWYER,
            cls.FINANCIAL_ADVISER,
            cls.ADVERTISING,
            cls.PUBLIC_RELATIONS,
            cls.BANK,
            cls.INSURER,
            cls.FINANCING,
        }


class Status(models.TextChoices):
    LEAD = "lead", _("Lead")
    INTENT = "intent", _("Intent")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    MOVED_OUT = "moved_out", _("Moved out")


# Which status may follow which (R-ARC-05). A lost customer may come back with new intent.
STATUS_FLOW = {
    Status.LEAD: {Status.INTENT, Status.LOST, Status.WON},
    Status.INTENT: {Status.WON, Status.LOST},
    Status.LOST: {Status.INTENT, Status.WON},
    Status.WON: {Status.MOVED_OUT},
    Status.MOVED_OUT: {Status.WON},
}


class Source(models.TextChoices):
    CALL = "call", _("Phone call")
    WALK_IN = "walk_in", _("Walk-in")
    REFERRAL = "referral", _("Referral by a customer")
    AGENT = "agent", _("Agent")
    SELF_DEVELOPED = "self", _("Self-developed")
    ONLINE = "online", _("Online")
    EVENT = "event", _("Event")


class Secrecy(models.TextChoices):
    """§10's levels; the level decides who approves access and who may know (R-ACC-03)."""

    PUBLIC = "public", _("Public")
    SECRET = "secret", _("Secret")
    CONFIDENTIAL = "confidential", _("Confidential")
    TOP_SECRET = "top_secret", _("Top secret")

    @classmethod
    def rank(cls, level: str) -> int:
        return cls.values.index(level)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Grade(models.Model):
    """A, B, C, D … by the company's own standard (§5)."""

    code = models.CharField(_("grade"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=30)
    criteria = models.TextField(_("criteria"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer grade")
        verbose_name_plural = _("customer grades")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class Classification(models.Model):
    """The four dimensions of §5: industry, nature, region, customer type."""

    class Dimension(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        NATURE = "nature", _("Nature")
        REGION = "region", _("Region")
        CUSTOMER_TYPE = "customer_type", _("Customer type")

    dimension = models.CharField(_("dimension"), max_length=15, choices=Dimension.choices)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        ordering = ["dimension", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "name"], name="classification_unique")
        ]

    def __str__(self):
        return self.name


class BirthdayFields(models.Model):
    """A birthday kept the way the family keeps it: on the solar or the lunar calendar."""

    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birthday_is_lunar = models.BooleanField(_("celebrated on the lunar calendar"), default=False)
    lunar_birth_month = models.PositiveSmallIntegerField(_("lunar month"), null=True, blank=True)
    lunar_birth_day = models.PositiveSmallIntegerField(_("lunar day"), null=True, blank=True)
    lunar_birth_leap = models.BooleanField(_("leap month"), default=False)

    class Meta:
        abstract = True

    def next_birthday(self, after: dt.date) -> dt.date | None:
        if self.birthday_is_lunar and self.lunar_birth_month and self.lunar_birth_day:
            return workcalendar.next_lunar_birthday(
                self.lunar_birth_month,
                self.lunar_birth_day,
                leap=self.lunar_birth_leap,
                after=after,
            )
        if self.birth_date:
            for year in (after.year, after.year + 1):
                try:
                    candidate = self.birth_date.replace(year=year)
                except ValueError:  # born on 29 February, a common year
                    candidate = dt.date(year, 2, 28)
                if candidate >= after:
                    return candidate
        return None

    @property
    def birthday_label(self) -> str:
        if self.birthday_is_lunar and self.lunar_birth_month and self.lunar_birth_day:
            return workcalendar.lunar_label(
                self.lunar_birth_month, self.lunar_birth_day, leap=self.lunar_birth_leap
            )
        if self.birth_date:
            return self.birth_date.isoformat()
        return ""


def _classified(verbose_name, dimension: str) -> models.ForeignKey:
    """An archive's optional pick among the classifications of one dimension."""
    return models.ForeignKey(
        Classification,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"dimension": dimension},
    )


# The archive's own columns that the customer list shows (templates/archives/customer_list.html).
LIST_COLUMNS = (
    "number",
    "name",
    "is_important",
    "voided_at",
    "status",
    "source",
    "created_at",
    "secrecy",
)


class CustomerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(voided_at__isnull=True)

    def with_primary_phone(self):
        primary = CustomerPhone.objects.filter(customer=OuterRef("pk")).order_by(
            "-is_primary", "pk"
        )
        return self.annotate(primary_phone=Subquery(primary.values("number")[:1]))

    def for_list(self):
        return self.select_related("owner", "grade", "project").with_primary_phone()

    def list_rows(self):
        """The rows of the customer list: the archive's own columns that the list shows, and
        its owner's, grade's and project's labels as plain values (one model per row, not
        four; see bench/archives.py)."""
        return (
            self.with_primary_phone()
            .annotate(
                owner_name=F("owner__name"),
                owner_username=F("owner__username"),
                grade_code=F("grade__code"),
                project_name=F("project__name"),
            )
            .only(*LIST_COLUMNS)
        )


class Customer(BirthdayFields):
    """One numbered archive per customer (R-ARC-01), filled in over time, never overwritten
    silently (R-ARC-07): every change goes through archives.services and leaves history."""

    company = models.ForeignKey("crm.Company", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("archive number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(
        _("kind"), max_length=12, choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.BUYER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.LEAD
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade"), on_delete=models.PROTECT, null=True, blank=True
    )
    industry = _classified(_("industry"), Classification.Dimension.INDUSTRY)
    nature = _classified(_("nature"), Classification.Dimension.NATURE)
    region = _classified(_("region"), Classification.Dimension.REGION)
    customer_type = _classified(_("customer type"), Classification.Dimension.CUSTOMER_TYPE)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    agent_name = models.CharField(_("agent"), max_length=100, blank=True)
    project = models.ForeignKey(
        "crm.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_customers",
    )
    co_owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-owners"),
        blank=True,
        related_name="co_owned_customers",
    )
    secrecy = models.CharField(
        _("confidentiality"), max_length=12, choices=Secrecy.choices, default=Secrecy.PUBLIC
    )
    is_important = models.BooleanField(_("important customer"), default=False)
    greeting_opt_out = models.BooleanField(_("no greetings"), default=False)

    # Who they are
    name = models.CharField(_("customer name"), max_length=100, db_index=True)
    search_keys = models.TextField(editable=False, default="")
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    employer = models.CharField(_("company name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(pgettext_lazy("postal", "address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False, blank=True)

    # Companies (R-ARC-04)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=20, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    credit_rating = models.CharField(_("credit rating"), max_length=10, blank=True)
    credit_limit = models.DecimalField(
        _("credit limit (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    trade_terms = models.CharField(_("trade terms"), max_length=200, blank=True)

    # The profile template's answers (R-ARC-03): {item key: value}, validated by the template.
    profile = models.JSONField(_("profile"), default=dict, blank=True)

    notes = models.TextField(_("notes"), blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    created_at = models.DateTimeField(
        pgettext_lazy("customer archive", "created at"), default=timezone.now, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)

    history = HistoricalRecords(
        m2m_fields=[co_owners],
        excluded_fields=["search_keys", "id_number_hash", "last_contact_at"],
    )
    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer archive")
        verbose_name_plural = _("customer archives")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_customer", "Can export customer archives")]
        indexes = [
            models.Index(fields=["owner", "status"], name="customer_owner_status_idx"),
            models.Index(fields=["project", "status"], name="customer_project_status_idx"),
            models.Index(fields=["-created_at", "-id"], name="customer_created_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def get_absolute_url(self):
        return reverse("archives:customer_detail", args=[self.pk])

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    @property
    def is_company(self) -> bool:
        return self.kind == CustomerKind.COMPANY

    def allowed_statuses(self) -> set[str]:
        return STATUS_FLOW[Status(self.status)]


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", _("Home")
    OFFICE = "office", _("Office")
    FAX = "fax", _("Fax")
    OTHER = "other", _("Other")


class CustomerPhone(models.Model):
    """Every phone of a customer. A mobile belongs to one customer per company: registering a
    known mobile finds the archive (R-ARC-08), and the database refuses a second one."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    company = models.ForeignKey("crm.Company", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=8, choices=PhoneKind.choices)
    number = models.CharField(pgettext_lazy("phone", "number"), max_length=20)
    tail = models.CharField(max_length=4, editable=False, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    note = models.CharField(_("note"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=Q(kind="mobile"),
                name="customer_mobile_unique_per_company",
            ),
            models.UniqueConstraint(
                fields=["customer", "number"], name="customer_phone_once_per_customer"
            ),
        ]
        indexes = [models.Index(fields=["number"], name="customer_phone_number_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.display}"

    def save(self, *args, **kwargs):
        self.tail = national(self.number)[-4:]
        super().save(*args, **kwargs)

    @property
    def display(self) -> str:
        return national(self.number)

    @property
    def masked(self) -> str:
        return mask_phone(self.number)


class StatusChange(models.Model):
    """lead → intent → won / lost → moved out: each step with time and reason (R-ARC-05)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=200)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.customer_id}: {self.from_status} → {self.to_status}"


class CompanyRecord(models.Model):
    """Dated entries of a company archive: yearly performance, financial reports, major
    changes (§4 4–5)."""

    class Kind(models.TextChoices):
        PERFORMANCE = "performance", _("Yearly performance")
        FINANCIAL = "financial", _("Financial report")
        MAJOR_CHANGE = "major_change", _("Major change")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="company_records")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    amount = models.DecimalField(
        _("amount (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company record")
        verbose_name_plural = _("company records")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date} {self.title}"


class Deal(models.Model):
    """A sale or lease signed with the customer: the basis of composition analysis (R-ARC-13)
    and the event that starts buyers' follow-ups."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        LEASE = "lease", _("Lease")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="deals")
    unit = models.ForeignKey(
        "crm.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PURCHASE)
    signed_on = models.DateField(_("signed on"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="deal_amount_positive")
        ]

    def __str__(self):
        return f"{self.customer_id} {self.signed_on} {self.amount}"
