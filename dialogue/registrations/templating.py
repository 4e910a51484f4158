"""What the event page of the events feature shows from this feature (``registrations/_event_section.html``)."""

from __future__ import annotations

from dialogue.events.queries import role_counts
from dialogue.models import Attendance, EventFormat
from dialogue.registrations import bp
from dialogue.registrations.queries import mode_counts
from dialogue.registrations.services import Places, registration_closed_reason


@bp.app_context_processor
def registration_helpers():
    def registration_section(event) -> dict:
        """Why registration is closed (if it is), and the confirmed people and places left per role, in one
        query (and at a hybrid event one more, for the places left in person and online)."""

        counts = role_counts(event)
        hybrid = event.format == EventFormat.HYBRID
        by_mode = mode_counts(event, with_places=False) if hybrid else {}
        places = Places(total=event.capacity, per_role={rc.role: rc.capacity for rc in event.role_capacities},
                        confirmed={role: c["confirmed"] for role, c in counts.items()}, hybrid=hybrid,
                        online_total=event.online_capacity,
                        online=by_mode[Attendance.ONLINE]["confirmed"] if hybrid else 0)
        return {"counts": counts, "places": places, "closed_reason": registration_closed_reason(event),
                "attendances": list(Attendance)}

    return {"registration_section": registration_section}
