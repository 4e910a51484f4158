"""Who may read the parts of a profile that name people, and who sees an organisation's members."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from dialogue.core.permissions import signed_in
from dialogue.extensions import db
from dialogue.models import FieldVisibility, Organisation, OrganisationProfile, Registration, RegistrationState, User


def is_member(org: Organisation, user: User | None) -> bool:
    return signed_in(user) and bool(user.is_admin or (user.membership is not None
                                                      and user.membership.organisation_id == org.id))


def shares_event(org: Organisation, user: User) -> bool:
    """The person and the organisation both hold a confirmed registration at one event."""
    theirs = aliased(Registration)
    return db.session.scalar(
        select(Registration.id).join(theirs, theirs.event_id == Registration.event_id)
        .where(Registration.user_id == user.id, Registration.state == RegistrationState.CONFIRMED,
               theirs.organisation_id == org.id, theirs.state == RegistrationState.CONFIRMED).limit(1)) is not None


def can_see_contact(org: Organisation, profile: OrganisationProfile | None, user: User | None) -> bool:
    """Public contacts for everyone; participants-only contacts for the organisation's members, platform
    administrators and signed-in people registered (confirmed) at an event where the organisation is too."""
    if profile is None or not (profile.contact_name or profile.contact_email):
        return False
    if profile.contact_visibility == FieldVisibility.PUBLIC:
        return True
    if not signed_in(user):
        return False
    return is_member(org, user) or shares_event(org, user)
