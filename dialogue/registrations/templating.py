"""What the event page of the events feature shows from this feature (``registrations/_event_section.html``)."""

from __future__ import annotations

from flask import render_template

from dialogue.core import cache
from dialogue.events.queries import role_counts
from dialogue.models import Attendance, EventFormat, Registration, RoleCapacity
from dialogue.registrations import bp
from dialogue.registrations.queries import mode_counts
from dialogue.registrations.services import Places, registration_closed_reason


def _places_html(event) -> str:
    """The table of confirmed people and places left per role (and, at a hybrid event, in person and
    online), rendered once per version of the event (its places) and of its registrations (the counts it
    shows): the counts are read, in one query (and one more at a hybrid event), only to build it."""
    hybrid = event.format == EventFormat.HYBRID

    def build() -> str:
        counts = role_counts(event)
        by_mode = mode_counts(event, with_places=False) if hybrid else {}
        places = Places(total=event.capacity, per_role={rc.role: rc.capacity for rc in event.role_capacities},
                        confirmed={role: c["confirmed"] for role, c in counts.items()}, hybrid=hybrid,
                        online_total=event.online_capacity,
                        online=by_mode[Attendance.ONLINE]["confirmed"] if hybrid else 0)
        return render_template("registrations/_event_places.html", event=event, counts=counts, places=places,
                               attendances=list(Attendance))

    return cache.fragment("registrations/places", [("event", event.id), ("registrations", event.id)], build)


@bp.app_context_processor
def registration_helpers():
    def registration_section(event) -> dict:
        """Why registration is closed (if it is), and the table of confirmed people and places left."""
        return {"closed_reason": registration_closed_reason(event), "places_html": _places_html(event)}

    return {"registration_section": registration_section}


# The places per role show in the event page's registration panel (events scope their fragments by event).
cache.watch(RoleCapacity, lambda capacity: [("event", capacity.event_id)])
# The counts move with a registration's state, role or way of taking part (not with a check-in or consent);
# registrations are only ever deleted with their event, which moves the event's version.
cache.watch(Registration, lambda registration: [("registrations", registration.event_id)]
            if cache.changed(registration, "state", "role", "attendance") else [])
