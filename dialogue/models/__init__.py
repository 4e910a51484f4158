"""All models, imported here so that metadata and Alembic see every table."""

from dialogue.models.base import Base, UTCDateTime, new_token, utcnow
from dialogue.models.organisation import (Invitation, Membership, MemberRole, Organisation,
                                          OrganisationKind)
from dialogue.models.outbox import OutboxAttachment, OutboxMessage, OutboxStatus
from dialogue.models.user import User

__all__ = [
    "Base", "UTCDateTime", "new_token", "utcnow",
    "Invitation", "Membership", "MemberRole", "Organisation", "OrganisationKind",
    "OutboxAttachment", "OutboxMessage", "OutboxStatus",
    "User",
]
