"""What one feature announces and others react to, so that no feature imports the ones that care.

The owner of a change sends the signal inside the same transaction, after its own rows are flushed;
subscribers change their own rows in that transaction (they flush, never commit), so the change and
everything it takes with it are committed together or not at all. A subscriber lives in its own
feature package (``reactions.py``) and is connected when that package is imported.

Every signal is sent with the changed object as sender and these keyword arguments:

- ``actor``: the ``User`` who made the change, or None for the platform itself;
- ``now``: the aware UTC time of the change;
- ``reason``: the text the people affected read (may be empty).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A registration stopped being active (sender: the Registration). Extra keyword ``kind``:
#: "cancelled", "rejected" or "erased". Subscribers end what hangs on the person's place at the
#: event: meetings, requests, scheduler drafts, survey invitations.
registration_ended = _signals.signal("registration-ended")

#: The organisers changed the role of an active registration (sender: the Registration, already in its
#: new role). Extra keyword ``previous``: the ParticipantRole it had. Subscribers end what the person
#: held in the side of the market they no longer act on (a buyer's meetings, a supplier's requests).
registration_role_changed = _signals.signal("registration-role-changed")

#: An event was cancelled (sender: the Event). Subscribers end what hangs on the event.
event_cancelled = _signals.signal("event-cancelled")

#: An event moved in its life cycle other than by cancelling (sender: the Event). Extra keyword
#: arguments ``previous`` and ``status`` (EventStatus).
event_status_changed = _signals.signal("event-status-changed")

#: An account is about to be erased (sender: the User, still whole). Subscribers end the person's
#: active commitments first (so the other side is told, by name); each feature's ``gdpr.erase``
#: anonymises what stays afterwards.
account_erasing = _signals.signal("account-erasing")

#: The organisers saved an event's details (sender: the Event, changes flushed). Extra keyword
#: arguments ``changed``: the names of the fields whose value changed; ``calendar``: True when the
#: calendar entry moved or was renamed (times, place or title; its SEQUENCE went up). Subscribers
#: tell the people who hold the entry.
event_details_changed = _signals.signal("event-details-changed")

#: The organisers changed the places of an event (sender: the Event, locked, new limits flushed).
#: Subscribers give places that are now free to the people waiting and return the list of those
#: they moved (or None), so the organisers can be told how many.
event_capacity_changed = _signals.signal("event-capacity-changed")
