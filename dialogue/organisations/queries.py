"""What the organisation pages read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.extensions import db
from dialogue.models import Membership, Organisation


def organisation_with_members(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).options(
        selectinload(Organisation.memberships).joinedload(Membership.user)).where(Organisation.slug == slug))
