"""Who may take part in which role: the role a person registers in follows their organisation's kind.

The role decides what a person sees and does at the event. A buyer receives suppliers' meeting
requests, books meetings with them and is listed to every supplier among the buyers taking
meetings; a supplier in that role would read its competitors' approaches to a public buyer. Equal
treatment (Directive 2014/24/EU, Art. 40-41) therefore asks for the rule to be kept strictly:

- buyer: staff of a public buyer, or of a network of public buyers;
- supplier: suppliers and manufacturers;
- reseller: resellers only. A supplier or manufacturer does not register as a reseller: it would
  take a reseller's place and a second share of the meeting caps next to its own resellers, and the
  record would show a market position it does not hold;
- observer: civil society, networks and other organisations; public buyers may observe too;
- speaker: anyone.

A person whose part is not covered (for example a consultancy acting for a buyer) registers in a
role their organisation may take; the organisers then change the role with a reason that is kept on
the registration and in the audit log (see ``roles.change_role``). Registrations made before the
rule that break it are flagged (``role_flagged_at``) until an organiser decides; a flagged
registration does not act as a buyer.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_, select

from dialogue.core.errors import NotAllowed
from dialogue.models import Organisation, OrganisationKind, ParticipantRole, Registration, RegistrationState

Kind = OrganisationKind
Role = ParticipantRole

# In the order the registration form shows them.
ALLOWED_ROLES: dict[OrganisationKind, tuple[ParticipantRole, ...]] = {
    Kind.PUBLIC_BUYER: (Role.BUYER, Role.OBSERVER, Role.SPEAKER),
    Kind.NETWORK: (Role.BUYER, Role.OBSERVER, Role.SPEAKER),
    Kind.SUPPLIER: (Role.SUPPLIER, Role.SPEAKER),
    Kind.MANUFACTURER: (Role.SUPPLIER, Role.SPEAKER),
    Kind.RESELLER: (Role.RESELLER, Role.SPEAKER),
    Kind.CIVIL_SOCIETY: (Role.OBSERVER, Role.SPEAKER),
    Kind.OTHER: (Role.OBSERVER, Role.SPEAKER),
}
# The role the form proposes first.
DEFAULT_ROLE: dict[OrganisationKind, ParticipantRole] = {
    Kind.PUBLIC_BUYER: Role.BUYER, Kind.NETWORK: Role.OBSERVER, Kind.SUPPLIER: Role.SUPPLIER,
    Kind.MANUFACTURER: Role.SUPPLIER, Kind.RESELLER: Role.RESELLER, Kind.CIVIL_SOCIETY: Role.OBSERVER,
    Kind.OTHER: Role.OBSERVER,
}
BUYER_KINDS = tuple(kind for kind, roles in ALLOWED_ROLES.items() if Role.BUYER in roles)


def allowed_roles(kind: OrganisationKind | str | None) -> tuple[ParticipantRole, ...]:
    """The roles an organisation of this kind takes part in; none without an organisation."""
    if kind is None:
        return ()
    return ALLOWED_ROLES[OrganisationKind(kind)]


def default_role(kind: OrganisationKind | str | None) -> ParticipantRole | None:
    return DEFAULT_ROLE[OrganisationKind(kind)] if kind is not None else None


def fits(kind: OrganisationKind | str | None, role: ParticipantRole | str) -> bool:
    return ParticipantRole(role) in allowed_roles(kind)


def check_role(user, role: ParticipantRole | str) -> None:
    """Refuse a role the person's organisation may not take, with the roles it may take."""
    org = user.organisation
    kind = org.kind if org is not None else None
    if fits(kind, role):
        return
    from dialogue.registrations.services import role_label

    raise NotAllowed(_("As a member of %(org)s (%(kind)s) you can register as: %(roles)s. To take part in "
                       "another role, write to the organisers.",
                       org=org.name if org is not None else "—", kind=str(kind.label) if kind else "—",
                       roles=", ".join(role_label(r) for r in allowed_roles(kind))), field="role")


def eligible_buyer() -> ColumnElement[bool]:
    """A registration that acts as a buyer, as a SQL condition on ``Registration``.

    Confirmed, in the role of buyer, not flagged for review, and either of a buyer organisation or
    with an exception the organisers granted.
    """
    return and_(
        Registration.state == RegistrationState.CONFIRMED,
        Registration.role == ParticipantRole.BUYER,
        Registration.role_flagged_at.is_(None),
        or_(Registration.role_exception_at.is_not(None),
            Registration.organisation_id.in_(select(Organisation.id).where(Organisation.kind.in_(BUYER_KINDS)))),
    )


def is_eligible_buyer(registration: Registration | None) -> bool:
    """The same rule as ``eligible_buyer()``, on a loaded registration."""
    if registration is None:
        return False
    return (registration.state == RegistrationState.CONFIRMED
            and registration.role == ParticipantRole.BUYER
            and registration.role_flagged_at is None
            and (registration.role_exception_at is not None
                 or (registration.organisation is not None and registration.organisation.kind in BUYER_KINDS)))
