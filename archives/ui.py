"""The archives app's menu entries, dashboard panels and timeline entries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archives import timeline
from archives.models import (
    Attachment,
    CompanyRecord,
    Customer,
    Deal,
    Occupancy,
    Status,
    StatusChange,
    UnitDocument,
)
from archives.rules import COMPANY_WIDE
from crm import dashboard, navigation, permissions
from crm.navigation import NavItem
from crm.roles import Role

navigation.register(
    NavItem(
        "archives",
        _("Customers"),
        "archives:customer_list",
        permission="archives.view_customer",
        order=10,
    ),
    NavItem(
        "unit_files", _("Unit files"), "archives:unit_files", permission="crm.view_unit", order=70
    ),
)


# --- Dashboard ------------------------------------------------------------------------------


def _my_customers(request):
    user = request.user
    mine = Customer.objects.active().filter(Q(owner=user) | Q(co_owners=user)).distinct()
    counts = dict(mine.values_list("status").annotate(n=Count("pk", distinct=True)))
    recent = mine.for_list().order_by("-created_at")[:5]
    return {
        "counts": [(Status(s).label, counts.get(s, 0), s) for s in Status.values],
        "recent": recent,
        "total": sum(counts.values()),
    }


def _department_customers(request):
    visible = permissions.visible(request.user, "view", Customer.objects.active())
    by_status = dict(visible.values_list("status").annotate(n=Count("pk")))
    by_owner = (
        visible.filter(owner__isnull=False)
        .values("owner__name", "owner__username")
        .annotate(n=Count("pk"), won=Count("pk", filter=Q(status=Status.WON)))
        .order_by("-n")[:8]
    )
    return {
        "counts": [(Status(s).label, by_status.get(s, 0), s) for s in Status.values],
        "by_owner": by_owner,
        "total": sum(by_status.values()),
    }


dashboard.register(
    dashboard.Panel(
        "archives.mine",
        _("My customers"),
        "archives/panels/my_customers.html",
        _my_customers,
        roles=frozenset({Role.SALES_CONSULTANT}),
        order=20,
    )
)
dashboard.register(
    dashboard.Panel(
        "archives.overview",
        _("Customer archives"),
        "archives/panels/overview.html",
        _department_customers,
        roles=frozenset({Role.SALES_MANAGER, *COMPANY_WIDE}),
        order=20,
    )
)


# --- Timeline -------------------------------------------------------------------------------

BADGE = _("Archive")


def _status_entries(customer, user):
    for change in StatusChange.objects.filter(customer=customer).select_related("changed_by"):
        yield timeline.Entry(
            when=change.changed_at,
            kind="status",
            title=_("Status: %(from)s → %(to)s")
            % {"from": change.get_from_status_display(), "to": change.get_to_status_display()},
            detail=change.reason,
            actor=str(change.changed_by),
            badge=str(BADGE),
        )


def _opened_entry(customer, user):
    yield timeline.Entry(
        when=customer.created_at,
        kind="created",
        title=_("Archive %(number)s opened (%(source)s)")
        % {"number": customer.number, "source": customer.get_source_display()},
        actor=str(customer.created_by),
        badge=str(BADGE),
    )


def _deal_entries(customer, user):
    for deal in Deal.objects.filter(customer=customer).select_related(
        "unit__floor__building__project", "consultant"
    ):
        yield timeline.Entry(
            when=timeline.as_datetime(deal.signed_on),
            kind="deal",
            title=_("%(kind)s signed: %(unit)s, ¥%(amount)s")
            % {
                "kind": deal.get_kind_display(),
                "unit": deal.unit.label if deal.unit else "—",
                "amount": f"{deal.amount:,.2f}",
            },
            actor=str(deal.consultant),
            badge=str(BADGE),
        )


def _occupancy_entries(customer, user):
    for occupancy in Occupancy.objects.filter(customer=customer).select_related(
        "unit__floor__building__project"
    ):
        yield timeline.Entry(
            when=timeline.as_datetime(occupancy.moved_in),
            kind="move_in",
            title=_("Moved into %(unit)s as %(role)s")
            % {"unit": occupancy.unit.label, "role": occupancy.get_role_display()},
            url=occupancy.unit.get_absolute_url(),
            badge=str(BADGE),
        )
        if occupancy.moved_out:
            yield timeline.Entry(
                when=timeline.as_datetime(occupancy.moved_out),
                kind="move_out",
                title=_("Moved out of %(unit)s") % {"unit": occupancy.unit.label},
                url=occupancy.unit.get_absolute_url(),
                badge=str(BADGE),
            )


def _attachment_entries(customer, user):
    attachments = permissions.visible(user, "view", Attachment.objects.filter(customer=customer))
    for attachment in attachments.select_related("uploaded_by"):
        yield timeline.Entry(
            when=attachment.uploaded_at,
            kind="attachment",
            title=_("Attachment added: %(kind)s") % {"kind": attachment.get_kind_display()},
            actor=str(attachment.uploaded_by),
            badge=str(BADGE),
        )


def _company_record_entries(customer, user):
    for record in CompanyRecord.objects.filter(customer=customer):
        yield timeline.Entry(
            when=timeline.as_datetime(record.date),
            kind="company_record",
            title=f"{record.get_kind_display()}: {record.title}",
            detail=record.description,
            badge=str(BADGE),
        )


def _unit_document_entries_for_customer(customer, user):
    for document in UnitDocument.objects.filter(customer=customer).exclude(kind="move_in"):
        yield _document_entry(document)


def _document_entry(document):
    return timeline.Entry(
        when=timeline.as_datetime(document.date),
        kind=f"doc-{document.kind}",
        title=f"{document.get_kind_display()}: {document.title}",
        detail=document.details,
        actor=str(document.recorded_by) if document.recorded_by_id else "",
        badge=str(_("Unit file")),
    )


def _unit_documents(unit, user):
    documents = permissions.visible(user, "view", UnitDocument.objects.filter(unit=unit))
    for document in documents.select_related("recorded_by"):
        yield _document_entry(document)


def _unit_occupancies(unit, user):
    for occupancy in Occupancy.objects.filter(unit=unit).select_related("customer"):
        if occupancy.moved_out:
            yield timeline.Entry(
                when=timeline.as_datetime(occupancy.moved_out),
                kind="move_out",
                title=_("%(name)s moved out") % {"name": occupancy.customer.name},
                url=reverse("archives:customer_detail", args=[occupancy.customer_id]),
                badge=str(_("Unit file")),
            )


for _source in (
    _opened_entry,
    _status_entries,
    _deal_entries,
    _occupancy_entries,
    _attachment_entries,
    _company_record_entries,
    _unit_document_entries_for_customer,
):
    timeline.register_customer_source(_source)
for _source in (_unit_documents, _unit_occupancies):
    timeline.register_unit_source(_source)
