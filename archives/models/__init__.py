"""Customer archives: customers, their profile and family, units occupied, deals, attachments,
events that start follow-ups, and access grants. One module per subject; all exported here."""

from archives.models.access import AccessAction, AccessLog, CustomerUserObjectPermission
from archives.models.attachments import Attachment, AttachmentKind
from archives.models.customers import (
    Category,
    Classification,
    CompanyRecord,
    Customer,
    CustomerKind,
    CustomerPhone,
    CustomerQuerySet,
    Deal,
    Gender,
    Grade,
    PhoneKind,
    Secrecy,
    Source,
    Status,
    StatusChange,
)
from archives.models.events import CustomerEvent, EventKind
from archives.models.imports import ImportBatch
from archives.models.profile import (
    FamilyMember,
    ItemKind,
    ProfileItem,
    ProfileSection,
    ProfileTemplate,
    Relation,
)
from archives.models.property import Occupancy, OccupancyRole, UnitDocument, UnitDocumentKind

__all__ = [
    "AccessAction",
    "AccessLog",
    "Attachment",
    "AttachmentKind",
    "Category",
    "Classification",
    "CompanyRecord",
    "Customer",
    "CustomerEvent",
    "CustomerKind",
    "CustomerPhone",
    "CustomerQuerySet",
    "CustomerUserObjectPermission",
    "Deal",
    "EventKind",
    "FamilyMember",
    "Gender",
    "Grade",
    "ImportBatch",
    "ItemKind",
    "Occupancy",
    "OccupancyRole",
    "PhoneKind",
    "ProfileItem",
    "ProfileSection",
    "ProfileTemplate",
    "Relation",
    "Secrecy",
    "Source",
    "Status",
    "StatusChange",
    "UnitDocument",
    "UnitDocumentKind",
]
