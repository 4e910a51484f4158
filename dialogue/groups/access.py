"""Who may do what in a buyer group.

- everyone reads a group's page, its joint statement (every version, with signatories) and its library;
- admins of a member organisation (and platform admins) manage the group: its name and description, and
  which organisations belong to it;
- coordinators (people of a member organisation flagged coordinator, and platform admins) write new
  versions of the joint statement, edit the library and name the coordinators;
- an admin of a member organisation signs the statement for that organisation.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dialogue.core.actions import found_or_404
from dialogue.core.permissions import signed_in
from dialogue.extensions import db
from dialogue.models import BuyerGroup, GroupMember, MemberRole, OrganisationKind, User

MEMBER_KINDS = (OrganisationKind.PUBLIC_BUYER, OrganisationKind.NETWORK)


def own_organisation_id(user: User | None) -> int | None:
    if not signed_in(user) or user.membership is None:
        return None
    return user.membership.organisation_id


def membership_of(group: BuyerGroup, organisation_id: int | None) -> GroupMember | None:
    return next((m for m in group.members if m.organisation_id == organisation_id), None)


def is_member_admin(group: BuyerGroup, user: User | None) -> bool:
    """An admin of a member organisation."""
    if not signed_in(user) or user.membership is None or user.membership.role != MemberRole.ADMIN:
        return False
    return membership_of(group, user.membership.organisation_id) is not None


def can_manage(group: BuyerGroup, user: User | None) -> bool:
    return signed_in(user) and (user.is_admin or is_member_admin(group, user))


def is_coordinator(group: BuyerGroup, user: User | None) -> bool:
    if not signed_in(user):
        return False
    if user.is_admin:
        return True
    member = membership_of(group, own_organisation_id(user))
    return member is not None and member.coordinator


def can_create_group(user: User | None) -> bool:
    """Admins of a public buyer or a network start a group (their organisation is its first coordinator)."""
    if not signed_in(user):
        return False
    if user.is_admin:
        return True
    return (user.membership is not None and user.membership.role == MemberRole.ADMIN
            and user.organisation.kind in MEMBER_KINDS)


def get_group_or_404(slug: str) -> BuyerGroup:
    return found_or_404(db.session.scalar(select(BuyerGroup).where(BuyerGroup.slug == slug).options(
        selectinload(BuyerGroup.members).joinedload(GroupMember.organisation))))


def manager_group_or_404(slug: str) -> BuyerGroup:
    """The group of a managers' page: 404 if there is none, 403 for anyone who does not manage it."""
    group = get_group_or_404(slug)
    if not can_manage(group, current_user):
        abort(403, _("Only admins of the group's member organisations can do this."))
    return group


def coordinator_group_or_404(slug: str) -> BuyerGroup:
    """The group of a coordinators' page: 404 if there is none, 403 for anyone who does not coordinate it."""
    group = get_group_or_404(slug)
    if not is_coordinator(group, current_user):
        abort(403, _("Only the group's coordinators can do this."))
    return group
