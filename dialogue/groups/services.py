"""Groups and their members. Services flush, never commit, and refuse with DialogueError.

A group always keeps at least one coordinator while it has members: the last coordinator cannot be
removed or unflagged. Only public buyers and networks join.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.text import without_controls
from dialogue.extensions import db
from dialogue.groups import access
from dialogue.models import BuyerGroup, GroupMember, Organisation, User
from dialogue.organisations.services import slugify

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED = {"new"}
MAX_NAME = 200
MAX_DESCRIPTION = 10_000


def _require_manager(group: BuyerGroup, actor: User) -> None:
    if not access.can_manage(group, actor):
        raise NotAllowed(_("Only admins of the group's member organisations can do this."))


def _require_coordinator(group: BuyerGroup, actor: User) -> None:
    if not access.is_coordinator(group, actor):
        raise NotAllowed(_("Only the group's coordinators can do this."))


def _clean_name(name: str) -> str:
    name = without_controls(name or "").strip()
    if not name:
        raise DialogueError(_("Give the group a name."), field="name")
    if len(name) > MAX_NAME:
        raise DialogueError(_("Keep the name under %(n)d characters.", n=MAX_NAME), field="name")
    return name


def _clean_description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise DialogueError(_("Keep the description under %(n)d characters.", n=MAX_DESCRIPTION),
                            field="description")
    return text


def _slug(slug: str | None, name: str) -> str:
    if not slug:
        base = slugify(name)[:100] or "group"
        slug, n = base, 2
        while slug in RESERVED or db.session.scalar(select(BuyerGroup.id).where(BuyerGroup.slug == slug)):
            slug, n = f"{base}-{n}", n + 1
        return slug
    slug = slug.strip()
    if len(slug) > 120 or not SLUG_RE.match(slug):
        raise DialogueError(_("Use lower-case letters, digits and single hyphens, e.g. nordic-cities."), field="slug")
    if slug in RESERVED or db.session.scalar(select(BuyerGroup.id).where(BuyerGroup.slug == slug)):
        raise Conflict(_("This address is taken; choose another."), field="slug")
    return slug


def create_group(actor: User, *, name: str, description: str = "", slug: str | None = None) -> BuyerGroup:
    """A new group; the founder's organisation (a public buyer or a network) is its first coordinator."""
    if not access.can_create_group(actor):
        raise NotAllowed(_("Admins of a public buyer or a network start buyer groups."))
    name = _clean_name(name)
    group = BuyerGroup(name=name, description=_clean_description(description), slug=_slug(slug, name),
                       created_by_id=actor.id)
    if actor.organisation is not None:
        group.members.append(GroupMember(organisation=actor.organisation, coordinator=True, added_by_id=actor.id))
    db.session.add(group)
    db.session.flush()
    record_action(actor, "group.created", f"Buyer group {group.name} created", group=group.slug)
    return group


def edit_group(group: BuyerGroup, actor: User, *, name: str, description: str) -> None:
    _require_manager(group, actor)
    group.name = _clean_name(name)
    group.description = _clean_description(description)
    record_action(actor, "group.edited", f"Buyer group {group.name} edited", group=group.slug)


def add_member(group: BuyerGroup, actor: User, organisation: Organisation | None) -> GroupMember:
    """Add a public buyer or a network to the group."""
    _require_manager(group, actor)
    if organisation is None:
        raise DialogueError(_("Choose an organisation."), field="organisation")
    if organisation.kind not in access.MEMBER_KINDS:
        raise DialogueError(_("Only public buyers and networks can join a buyer group."), field="organisation")
    if access.membership_of(group, organisation.id) is not None:
        raise Conflict(_("%(org)s is already a member.", org=organisation.name), field="organisation")
    member = GroupMember(organisation=organisation, coordinator=not group.members, added_by_id=actor.id)
    group.members.append(member)
    db.session.flush()
    record_action(actor, "group.member_added", f"{organisation.name} joined the buyer group {group.name}",
                  group=group.slug, organisation=organisation.slug)
    return member


def _last_coordinator(group: BuyerGroup, member: GroupMember) -> bool:
    return member.coordinator and not any(m.coordinator for m in group.members if m is not member)


def remove_member(group: BuyerGroup, actor: User, member: GroupMember) -> None:
    _require_manager(group, actor)
    if _last_coordinator(group, member) and len(group.members) > 1:
        raise Conflict(_("%(org)s is the group's only coordinator: name another coordinator first.",
                         org=member.organisation.name))
    name = member.organisation.name
    group.members.remove(member)
    db.session.flush()
    record_action(actor, "group.member_removed", f"{name} left the buyer group {group.name}", group=group.slug,
                  organisation=member.organisation.slug)


def set_coordinator(group: BuyerGroup, actor: User, member: GroupMember, coordinator: bool) -> None:
    """Coordinators name (or stop naming) coordinators; a group never loses its last one."""
    _require_coordinator(group, actor)
    if not coordinator and _last_coordinator(group, member):
        raise Conflict(_("%(org)s is the group's only coordinator: name another coordinator first.",
                         org=member.organisation.name))
    if member.coordinator == coordinator:
        return
    member.coordinator = coordinator
    record_action(actor, "group.coordinator_set" if coordinator else "group.coordinator_unset",
                  f"{member.organisation.name} {'is now' if coordinator else 'is no longer'} a coordinator of "
                  f"{group.name}", group=group.slug, organisation=member.organisation.slug)
