"""What organisation profiles do when something happens elsewhere."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, select

from dialogue.core.signals import account_erasing
from dialogue.extensions import db
from dialogue.models import OrganisationProfile, ProfileVersion, User


@account_erasing.connect
def on_account_erasing(user, *, actor: User | None = None, now: dt.datetime, reason: str = "", **_extra) -> None:
    """A profile whose contact is the person's own address stops naming them, in its saved versions too.

    The profile itself stays (it is the organisation's); the contact is left empty for the
    organisation's administrators to fill in again.
    """
    email = (user.email or "").lower()
    if not email:
        return
    profiles = db.session.scalars(select(OrganisationProfile).where(OrganisationProfile.contact_email == email))
    for profile in profiles:
        profile.contact_name = None
        profile.contact_email = None
    # Narrowed in SQL to snapshots that hold the address somewhere, then checked field by field.
    versions = db.session.scalars(select(ProfileVersion).where(
        cast(ProfileVersion.snapshot, String).contains(email, autoescape=True)))
    for version in versions:
        if (version.snapshot or {}).get("contact_email") == email:
            version.snapshot = {**version.snapshot, "contact_name": None, "contact_email": None}
    db.session.flush()
