from __future__ import annotations

from sqlalchemy import delete, select

from dialogue.extensions import db
from dialogue.models import Invitation, OrganisationProfile, User


def export(user: User) -> dict[str, list[dict]]:
    rows = []
    if user.membership is not None:
        org = user.membership.organisation
        rows.append({"organisation": org.name, "kind": org.kind, "country": org.country,
                     "role": user.membership.role, "since": user.membership.created_at})
    invitations = db.session.scalars(select(Invitation).where(Invitation.email == user.email))
    # A profile's contact is the person's data where it is their own address, whoever typed it.
    contacts = db.session.scalars(select(OrganisationProfile).where(OrganisationProfile.contact_email == user.email))
    return {"memberships": rows,
            "invitations_received": [{"organisation": i.organisation.name, "created_at": i.created_at,
                                      "accepted_at": i.accepted_at} for i in invitations],
            "profile_contacts": [{"organisation": p.organisation.name, "contact_name": p.contact_name,
                                  "contact_email": p.contact_email, "visibility": p.contact_visibility}
                                 for p in contacts]}


def erase(user: User) -> None:
    # Membership goes with the user (cascade); invitations addressed to them carry their address.
    db.session.execute(delete(Invitation).where(Invitation.email == user.email))
