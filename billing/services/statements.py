"""Issuing settlement statements (气费结算单, R-BIL-02): one for a reading on the spot, or the
monthly run for every accepted reading not yet billed; the customer's signature; the
cashier's sign-off when the statement reaches the counter.

The run works in batches: a handful of queries per batch, prices in Python
(billing.pricing), numbers taken as one gap-free block, statements, their history and their
lines written with bulk inserts. A batch is one transaction, so its numbers are used in full
or not at all.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.services import touch_contact
from billing import pricing
from billing.models import (
    BillingPolicy,
    GasAccount,
    Reading,
    ReadingKind,
    ReadingStatus,
    Statement,
    StatementLine,
    StatementStatus,
    UserType,
)
from billing.services.bulk import insert_history, insert_rows
from billing.services.common import due_date, moment, stamp, today
from crm.numbering import FormKind, next_numbers

ZERO = Decimal("0.00")
LINE_FIELDS = (
    "statement_id",
    "account_id",
    "year",
    "start",
    "end",
    "tariff_id",
    "tier",
    "volume",
    "price",
    "amount",
)


class Point(NamedTuple):
    """A reading as the run needs it: no model instance, so 100,000 of them stay cheap."""

    pk: int
    account_id: int
    meter_id: int
    read_on: dt.date
    value: Decimal


POINT_FIELDS = ("pk", "account_id", "meter_id", "read_on", "value")


class Candidate(NamedTuple):
    """An unbilled reading with what its statement needs from the account."""

    pk: int
    account_id: int
    meter_id: int
    read_on: dt.date
    value: Decimal
    previous_regular_id: int | None
    user_type: str


CANDIDATE_FIELDS = (*POINT_FIELDS, "previous_regular_id", "account__user_type")


@dataclass
class Draft:
    closing: Candidate
    opening: Point
    volume: Decimal
    lines: list[pricing.Line]
    gas_amount: Decimal
    carried_in: Decimal

    @property
    def total_due(self) -> Decimal:
        return self.gas_amount + self.carried_in


@dataclass
class RunResult:
    issued: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (reading, account, why)


def unbilled_readings():
    """Accepted regular readings without a statement: what the next run bills."""
    return Reading.objects.filter(
        kind=ReadingKind.REGULAR, status=ReadingStatus.ACCEPTED, closing_statement__isnull=True
    )


def _candidates(readings) -> list[Candidate]:
    previous = Reading.objects.filter(
        account_id=OuterRef("account_id"),
        kind=ReadingKind.REGULAR,
        status=ReadingStatus.ACCEPTED,
        read_on__lt=OuterRef("read_on"),
    ).order_by("-read_on", "-pk")
    rows = readings.annotate(previous_regular_id=Subquery(previous.values("pk")[:1]))
    return [Candidate(*row) for row in rows.values_list(*CANDIDATE_FIELDS)]


def _key(reading) -> tuple[dt.date, int]:
    return reading.read_on, reading.pk


def chain_volume(chain) -> Decimal:
    """The gas used along readings in order: differences on the same meter; a meter change
    (last reading of the old meter, first of the new) adds nothing by itself."""
    volume = ZERO
    for before, after in itertools.pairwise(chain):
        if before.meter_id == after.meter_id:
            volume += after.value - before.value
    return volume


class _Batch:
    """Everything a batch of readings needs, read in a few queries."""

    def __init__(self, readings: list[Candidate], price_lists):
        self.price_lists = price_lists
        ids = {r.previous_regular_id for r in readings if r.previous_regular_id}
        billed = Statement.objects.filter(closing_reading=OuterRef("pk"))
        previous = (
            Reading.objects.filter(pk__in=ids)
            .annotate(billed=Exists(billed))
            .values_list(*POINT_FIELDS, "billed")
        )
        self.previous = {row[0]: Point(*row[:-1]) for row in previous}
        self.billed = {row[0] for row in previous if row[-1]}
        accounts = {r.account_id for r in readings}
        self.changes: dict[int, list[Point]] = defaultdict(list)
        meter_changes = (
            Reading.objects.filter(
                account_id__in=accounts,
                status=ReadingStatus.ACCEPTED,
                kind__in=[ReadingKind.INITIAL, ReadingKind.FINAL],
            )
            .order_by("read_on", "pk")
            .values_list(*POINT_FIELDS)
        )
        for row in meter_changes:
            point = Point(*row)
            self.changes[point.account_id].append(point)
        self.annual = self._annual_volumes(readings)
        self.balances = dict(
            GasAccount.objects.select_for_update()
            .filter(pk__in=accounts)
            .exclude(balance=ZERO)
            .values_list("pk", "balance")
        )
        self.changed_balances: set[int] = set()

    def _annual_volumes(self, readings) -> dict[tuple[int, int], Decimal]:
        residential = {r.account_id for r in readings if r.user_type == UserType.RESIDENTIAL}
        if not residential:
            return {}
        first_year = min(r.read_on.year for r in readings) - 1
        sums = (
            StatementLine.objects.filter(account_id__in=residential, year__gte=first_year)
            .values_list("account_id", "year")
            .annotate(volume=Sum("volume"))
        )
        return {(account_id, year): volume for account_id, year, volume in sums}

    def chain(self, reading: Candidate, previous: Point | None) -> list:
        changes = self.changes.get(reading.account_id, [])
        if previous is not None:
            between = [c for c in changes if _key(previous) < _key(c) < _key(reading)]
            return [previous, *between, reading]
        return [*[c for c in changes if _key(c) < _key(reading)], reading]

    def carry(self, account_id: int, gas_amount: Decimal) -> Decimal:
        """Credit is used up to the charge; a debt comes forward whole."""
        balance = self.balances.get(account_id, ZERO)
        if balance > 0:
            used = min(balance, gas_amount)
            carried = -used
        else:
            carried = -balance
        if carried:
            self.balances[account_id] = balance + carried
            self.changed_balances.add(account_id)
        return carried


def _draft(batch: _Batch, reading: Candidate, billed_now: set[int]) -> Draft | str:
    previous = batch.previous.get(reading.previous_regular_id)
    if previous is not None and previous.pk not in batch.billed and previous.pk not in billed_now:
        return _("The reading of %(date)s is not billed yet.") % {
            "date": previous.read_on.isoformat()
        }
    chain = batch.chain(reading, previous)
    if len(chain) < 2:
        return _("There is no earlier reading to bill from.")
    volume = chain_volume(chain)
    if volume < 0:
        return _("The readings give a negative volume.")
    opening = chain[0]
    account_id, user_type = reading.account_id, reading.user_type
    years = range(opening.read_on.year, reading.read_on.year + 1)
    try:
        lines = pricing.price_period(
            user_type=user_type,
            start=opening.read_on,
            end=reading.read_on,
            volume=volume,
            annual_before={y: batch.annual.get((account_id, y), ZERO) for y in years},
            price_lists=batch.price_lists.get(user_type, []),
        )
    except pricing.MissingTariff as missing:
        return _("No gas price for %(type)s on %(date)s.") % {
            "type": UserType(missing.user_type).label,
            "date": missing.day.isoformat(),
        }
    for line in lines:
        batch.annual[(account_id, line.year)] = (
            batch.annual.get((account_id, line.year), ZERO) + line.volume
        )
    gas_amount = pricing.total(lines)
    carried = batch.carry(account_id, gas_amount)
    return Draft(reading, opening, volume, lines, gas_amount, carried)


def _create(drafts: list[Draft], batch: _Batch, *, by, issued_on: dt.date, due_on: dt.date):
    now = moment(issued_on)
    numbers = next_numbers(FormKind.GAS_STATEMENT, len(drafts), when=now)
    statements = []
    for number, draft in zip(numbers, drafts, strict=True):
        settled = draft.total_due == ZERO
        statements.append(
            Statement(
                number=number,
                filled_by_id=by.pk,
                filled_at=now,
                account_id=draft.closing.account_id,
                user_type=draft.closing.user_type,
                period_start=draft.opening.read_on,
                period_end=draft.closing.read_on,
                opening_reading_id=draft.opening.pk,
                closing_reading_id=draft.closing.pk,
                volume=draft.volume,
                gas_amount=draft.gas_amount,
                carried_in=draft.carried_in,
                total_due=draft.total_due,
                issued_on=issued_on,
                due_on=due_on,
                status=StatementStatus.PAID if settled else StatementStatus.ISSUED,
                settled_on=issued_on if settled else None,
            )
        )
    Statement.objects.bulk_create(statements, batch_size=1000)
    insert_history(statements, model=Statement, by=by, reason="issued", when=timezone.now())
    insert_rows(
        StatementLine,
        LINE_FIELDS,
        (
            (
                statement.pk,
                statement.account_id,
                line.year,
                line.start,
                line.end,
                line.tariff_id,
                line.tier,
                line.volume,
                line.price,
                line.amount,
            )
            for statement, draft in zip(statements, drafts, strict=True)
            for line in draft.lines
        ),
    )
    for account in GasAccount.objects.filter(pk__in=batch.changed_balances):
        account.balance = batch.balances[account.pk]
        stamp(account, by, _("Carried to statement"))
        account.save(update_fields=["balance"])
    return statements


def _bill(readings: list[Candidate], *, by, issued_on: dt.date, result: RunResult, price_lists):
    batch = _Batch(readings, price_lists)
    drafts, billed_now = [], set()
    for reading in sorted(readings, key=lambda r: (r.account_id, r.read_on, r.pk)):
        outcome = _draft(batch, reading, billed_now)
        if isinstance(outcome, str):
            result.skipped.append(
                (reading.pk, GasAccount.format_number(reading.account_id), outcome)
            )
            continue
        drafts.append(outcome)
        billed_now.add(reading.pk)
    policy = BillingPolicy.current()
    statements = _create(
        drafts, batch, by=by, issued_on=issued_on, due_on=due_date(issued_on, policy.payment_days)
    )
    result.issued += len(statements)
    return statements


@transaction.atomic
def issue_statement(*, reading: Reading, by, issued_on: dt.date | None = None) -> Statement:
    """The reader issues the statement on the spot for the customer to sign (§7 4)."""
    issued_on = issued_on or today()
    fresh = Reading.objects.select_for_update().get(pk=reading.pk)
    if fresh.kind != ReadingKind.REGULAR or fresh.status != ReadingStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted regular reading is billed."))
    if Statement.objects.filter(closing_reading=fresh).exists():
        raise ValidationError(_("This reading has been billed already."))
    if issued_on < fresh.read_on:
        raise ValidationError(_("A statement cannot be issued before its reading."))
    (candidate,) = _candidates(Reading.objects.filter(pk=fresh.pk))
    result = RunResult()
    price_lists = pricing.load_price_lists(candidate.user_type)
    try:
        with transaction.atomic():
            statements = _bill(
                [candidate], by=by, issued_on=issued_on, result=result, price_lists=price_lists
            )
    except IntegrityError:
        raise ValidationError(_("This reading has been billed already.")) from None
    if not statements:
        raise ValidationError(result.skipped[0][2])
    return statements[0]


def run_billing(
    *, by, issued_on: dt.date | None = None, up_to: dt.date | None = None, batch_size: int = 2000
) -> RunResult:
    """The monthly run: a statement for every accepted reading not yet billed (read on or
    before `up_to`). Each batch commits on its own; a reading that cannot be billed (no
    price, an earlier reading unbilled) is reported and left for the next run."""
    issued_on = issued_on or today()
    price_lists = pricing.load_price_lists()
    unbilled = unbilled_readings()
    if up_to is not None:
        unbilled = unbilled.filter(read_on__lte=up_to)
    result = RunResult()
    cursor = 0
    while True:
        with transaction.atomic():
            readings = _candidates(unbilled.filter(pk__gt=cursor).order_by("pk")[:batch_size])
            if not readings:
                return result
            cursor = readings[-1].pk
            _bill(readings, by=by, issued_on=issued_on, result=result, price_lists=price_lists)


# --- Signature and the cashier's sign-off ---------------------------------------------------


def _settlement_save(statement: Statement, by, reason: str, fields: list[str]) -> None:
    stamp(statement, by, reason)
    statement.save(update_fields=fields)


@transaction.atomic
def sign_statement(
    *,
    statement: Statement,
    by,
    signer_name: str,
    png: bytes | None = None,
    on_paper=False,
    when: dt.datetime | None = None,
) -> Statement:
    """The customer confirms the statement (§7 4): a signature drawn on the phone, kept as a
    PNG, or a signature on the paper copy."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.is_paid:
        raise ValidationError(_("The statement is paid; it is not changed any more."))
    if statement.is_signed:
        raise ValidationError(_("The statement has been signed already."))
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Enter the name of the person who signed.")})
    if png is None and not on_paper:
        raise ValidationError(_("Sign in the box, or tick that the paper copy was signed."))
    statement.signer_name = signer_name.strip()
    statement.signed_at = when or timezone.now()
    statement.signed_on_paper = png is None
    fields = ["signer_name", "signed_at", "signed_on_paper"]
    if png is not None:
        statement.signature.save("signature.png", ContentFile(png), save=False)
        fields.append("signature")
    _settlement_save(statement, by, _("Signed by the customer"), fields)
    touch_contact(customer=statement.account.customer, when=statement.signed_at)
    return statement


@transaction.atomic
def receive_statement(*, statement: Statement, by, when: dt.datetime | None = None) -> Statement:
    """The cashier takes the statement in at the counter (§7 4: 交由前台收费处)."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.is_paid:
        raise ValidationError(_("The statement is paid; it is not changed any more."))
    if statement.signed_off_by_id:
        raise ValidationError(_("The statement has been received already."))
    statement.signed_off_by = by
    statement.signed_off_at = when or timezone.now()
    _settlement_save(
        statement, by, _("Received by the cashier"), ["signed_off_by", "signed_off_at"]
    )
    return statement
