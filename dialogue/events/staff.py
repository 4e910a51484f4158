"""Who runs an event: the co-hosting public buyers and networks and their people with the organiser or check-in role."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotFound
from dialogue.events.access import may_host
from dialogue.events.lifecycle import require_not_closed
from dialogue.extensions import db
from dialogue.models import Event, EventCoHost, EventStaff, Organisation, StaffRole, User


def require_host(org: Organisation) -> None:
    if not may_host(org):
        raise DialogueError(_("%(name)s is not a public buyer or a network: only public buyers and networks "
                              "co-host events.", name=org.name), field="cohosts")


def add_cohost(event: Event, org: Organisation, *, actor: User | None = None) -> EventCoHost:
    require_not_closed(event)
    require_host(org)
    if any(c.organisation_id == org.id for c in event.cohosts):
        raise Conflict(_("%(name)s already co-hosts this event.", name=org.name), field="organisation")
    cohost = EventCoHost(organisation=org)
    event.cohosts.append(cohost)
    db.session.flush()
    record_action(actor, "event.cohost_add", f"Added {org.name} as a co-host", event=event, organisation=org.name)
    return cohost


def remove_cohost(event: Event, cohost: EventCoHost, *, actor: User | None = None) -> None:
    """An event keeps at least one co-host; the removed co-host's people lose their staff roles."""
    require_not_closed(event)
    if cohost.event_id != event.id:
        raise NotFound(_("This organisation does not co-host this event."))
    if len(event.cohosts) <= 1:
        raise Conflict(_("An event needs at least one co-host. Add another before removing this one."))
    leaving = [s for s in event.staff if s.user.membership is not None
               and s.user.membership.organisation_id == cohost.organisation_id and not s.user.is_admin]
    remaining_organisers = [s for s in event.staff if s.role == StaffRole.ORGANISER and s not in leaving]
    if not remaining_organisers:
        raise Conflict(_("The organisers of this event all belong to %(name)s. Give someone of another "
                         "co-host the organiser role first.", name=cohost.organisation.name))
    for staff in leaving:
        event.staff.remove(staff)
    event.cohosts.remove(cohost)
    record_action(actor, "event.cohost_remove", f"Removed {cohost.organisation.name} as a co-host"
                  + (f"; {len(leaving)} of its people lost their role" if leaving else ""), event=event,
                  organisation=cohost.organisation.name, roles_removed=[s.user.name for s in leaving] or None)


def add_staff(event: Event, email: str, role: StaffRole | str, *, actor: User | None = None) -> EventStaff:
    """Give a person of a co-host the organiser or check-in role (or change the role they have)."""
    require_not_closed(event)
    try:
        role = StaffRole(role)
    except ValueError:
        raise DialogueError(_("Choose organiser or check-in."), field="role") from None
    address = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None:
        # A wrong address in the form, not a missing page: said next to the field (as is the next check).
        raise DialogueError(_("No one with this email address has an account. Ask them to sign up first."),
                            field="email")
    host_ids = {c.organisation_id for c in event.cohosts}
    if not user.is_admin and (user.membership is None or user.membership.organisation_id not in host_ids):
        raise DialogueError(_("%(name)s does not belong to a co-host of this event. Only staff of the co-hosts "
                              "can organise or run the door.", name=user.name), field="email")
    staff = next((s for s in event.staff if s.user_id == user.id), None)
    if staff is None:
        staff = EventStaff(user=user, role=role)
        event.staff.append(staff)
        record_action(actor, "event.staff_add", f"Gave {user.name} the {role.value} role", event=event,
                      person=user.name, role=role.value)
    elif staff.role != role:
        if staff.role == StaffRole.ORGANISER and _organiser_count(event) <= 1:
            raise Conflict(_("An event needs at least one organiser."), field="role")
        record_action(actor, "event.staff_change", f"Changed the role of {user.name} from {staff.role.value} "
                      f"to {role.value}", event=event, person=user.name, role=role.value)
        staff.role = role
    db.session.flush()
    return staff


def remove_staff(event: Event, staff: EventStaff, *, actor: User | None = None) -> None:
    if staff.event_id != event.id:
        raise NotFound(_("This person has no role on this event."))
    if staff.role == StaffRole.ORGANISER and _organiser_count(event) <= 1:
        raise Conflict(_("An event needs at least one organiser. Give someone else the role first."))
    record_action(actor, "event.staff_remove", f"Removed the {staff.role.value} role of {staff.user.name}",
                  event=event, person=staff.user.name, role=staff.role.value)
    event.staff.remove(staff)


def _organiser_count(event: Event) -> int:
    return sum(1 for s in event.staff if s.role == StaffRole.ORGANISER)
