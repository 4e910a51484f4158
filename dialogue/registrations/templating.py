"""What the event page of the events feature shows from this feature (``registrations/_event_section.html``)."""

from __future__ import annotations

from dialogue.registrations import bp


@bp.app_context_processor
def registration_helpers():
    def registration_section(event) -> dict:
        """Why registration is closed (if it is), and the confirmed people and places left per role, in one query."""
        from dialogue.events.queries import role_counts
        from dialogue.registrations.services import Places, registration_closed_reason

        counts = role_counts(event)
        places = Places(total=event.capacity, per_role={rc.role: rc.capacity for rc in event.role_capacities},
                        confirmed={role: c["confirmed"] for role, c in counts.items()})
        return {"counts": counts, "places": places, "closed_reason": registration_closed_reason(event)}

    return {"registration_section": registration_section}
