"""Organisations and their members."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.util import get_cc_module

from dialogue.core.countries import country_choices, country_name, slugify, validate_country  # noqa: F401
from dialogue.core.emails import normalise_email
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.urls import clean_http_url, external_url
from dialogue.extensions import db
from dialogue.models import Invitation, MemberRole, Membership, Organisation, OrganisationKind, User, new_token, utcnow
from dialogue.outbox.services import enqueue_mail


def validate_registration_number(number: str | None, country: str) -> str | None:
    """Check a VAT (or national business) number with python-stdnum where the country has a scheme.

    EU VAT numbers are stored in their compact form with the country prefix (FI20774740), so the
    same company typed two ways is still one organisation. For a country with no scheme in
    python-stdnum the number is kept as typed, after trimming.
    """
    number = (number or "").strip()
    if not number:
        return None
    cc = country.lower()
    vat_prefix = "el" if cc == "gr" else cc
    module = None
    for name in ("vat", "mva", "orgnr", "businessid"):
        module = get_cc_module(cc, name)
        if module is not None:
            break
    if module is None:
        if len(number) > 40:
            raise DialogueError(_("A registration number has at most 40 characters."), field="registration_number")
        return number
    try:
        if cc in eu_vat.MEMBER_STATES or cc == "gr":
            compact = eu_vat.compact(number if number[:2].isalpha() else vat_prefix + number)
            if compact[:2].lower() != vat_prefix:
                raise DialogueError(_("This VAT number belongs to another country than %(country)s.",
                                      country=country_name(country)), field="registration_number")
            return eu_vat.validate(compact)
        return module.compact(module.validate(number))
    except ValidationError:
        raise DialogueError(_("This is not a valid VAT or registration number for %(country)s: check the digits.",
                              country=country_name(country)), field="registration_number") from None


def unique_slug(name: str) -> str:
    base = slugify(name)
    taken = set(db.session.scalars(select(Organisation.slug).where(Organisation.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_organisation(*, name: str, kind: OrganisationKind | str, country: str,
                        registration_number: str | None = None, website: str | None = None) -> Organisation:
    """Create an organisation. A VAT or registration number may belong to one organisation only."""
    name = " ".join((name or "").split())
    if not name:
        raise DialogueError(_("Enter the organisation's name."), field="org_name")
    country = validate_country(country)
    number = validate_registration_number(registration_number, country)
    if number and db.session.scalar(select(Organisation.id).where(Organisation.registration_number == number)):
        raise Conflict(_("An organisation with this VAT or registration number is already registered. "
                         "Ask one of its administrators to invite you."), field="registration_number")
    org = Organisation(name=name, slug=unique_slug(name), kind=OrganisationKind(kind), country=country,
                       registration_number=number, website=clean_http_url(website, "website", max_length=300))
    db.session.add(org)
    return org


def add_member(org: Organisation, user: User, role: MemberRole = MemberRole.MEMBER) -> Membership:
    if user.membership is not None:
        raise Conflict(_("You already belong to an organisation. Leave it before joining another."))
    membership = Membership(organisation=org, user=user, role=role)
    db.session.add(membership)
    return membership


def require_org_admin(org: Organisation, user: User) -> None:
    if user.is_admin:
        return
    if not (user.membership and user.membership.organisation_id == org.id
            and user.membership.role == MemberRole.ADMIN):
        raise NotAllowed(_("Only an administrator of this organisation can do this."))


def invite_member(org: Organisation, inviter: User, email: str, role: MemberRole) -> Invitation:
    """Invite a colleague by email. One open invitation per address and organisation."""

    require_org_admin(org, inviter)
    email = normalise_email(email)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None and existing.membership is not None:
        if existing.membership.organisation_id == org.id:
            raise Conflict(_("This person is already a member."), field="email")
    now = utcnow()
    invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == org.id,
                                                            Invitation.email == email))
    days = current_app.config["INVITATION_DAYS"]
    if invitation is None:
        invitation = Invitation(organisation=org, email=email)
        db.session.add(invitation)

    invitation.role = role
    invitation.token = new_token()
    invitation.invited_by_id = inviter.id
    invitation.accepted_at = None
    invitation.expires_at = now + dt.timedelta(days=days)
    db.session.flush()
    enqueue_mail([email], _l("%(name)s invites you to join %(org)s on Dialogue", name=inviter.name, org=org.name),
                 "invitation", locale=existing.locale if existing is not None else inviter.locale,
                 category="organisation.invitation", organisation=org, inviter=inviter, days=days,
                 link=external_url("auth.invitation", token=invitation.token))
    return invitation


def get_open_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if invitation is None or not invitation.is_open(utcnow()):
        return None
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if user.email != invitation.email:
        raise NotAllowed(_("This invitation was sent to another email address."))
    if not invitation.is_open(utcnow()):
        raise DialogueError(_("This invitation has expired or was already used. Ask for a new one."))
    membership = add_member(invitation.organisation, user, invitation.role)
    invitation.accepted_at = utcnow()
    if user.email_verified_at is None:
        # The link reached this address, which proves it.
        user.email_verified_at = utcnow()
    return membership


def set_member_role(org: Organisation, actor: User, membership: Membership, role: MemberRole) -> None:
    """Change a member's role; an organisation always keeps at least one administrator."""
    require_org_admin(org, actor)
    if membership.organisation_id != org.id:  # another organisation's membership: not there, from here
        raise NotFound(_("This person is not a member of this organisation."))
    if membership.role == MemberRole.ADMIN and role != MemberRole.ADMIN and _admin_count(org) <= 1:
        raise Conflict(_("An organisation needs at least one administrator. Make someone else an "
                         "administrator first."))
    membership.role = role


def remove_member(org: Organisation, actor: User, membership: Membership) -> None:
    if actor.id != membership.user_id:
        require_org_admin(org, actor)
    if membership.organisation_id != org.id:  # another organisation's membership: not there, from here
        raise NotFound(_("This person is not a member of this organisation."))
    if membership.role == MemberRole.ADMIN and _admin_count(org) <= 1:
        raise Conflict(_("An organisation needs at least one administrator. Make someone else an "
                         "administrator first."))
    db.session.delete(membership)


def _admin_count(org: Organisation) -> int:
    return db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organisation_id == org.id, Membership.role == MemberRole.ADMIN))
