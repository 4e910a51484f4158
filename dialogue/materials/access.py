"""Who may see, add and change materials.

See an item:
- public: anyone (on an event or intent that is itself public);
- participants: an event's confirmed participants, its speakers and organisers; for an intent, the
  participants of any event that presents it and the buyer's own staff;
- organisers only: the event's organisers; for an intent, the buyer's own staff.
The uploader and whoever may manage an item always see it.

Add: organisers to their event and any of its sessions, speakers to their own session, a buyer's
staff to their organisation's intents. Replace, edit, delete: the uploader, the administrators of the
uploader's organisation, or the event's organisers (platform administrators count as organisers).
Nobody else: a supplier cannot delete another supplier's slides.

Everything a page needs is computed once per event into a ``Viewer`` (a constant number of queries),
then applied to each item in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from dialogue.events import access as event_access
from dialogue.extensions import db
from dialogue.models import (
    AgendaSession,
    Event,
    EventIntent,
    Intent,
    Material,
    MaterialVisibility,
    MemberRole,
    RegistrationState,
    SessionSpeaker,
    User,
)


@dataclass
class Viewer:
    """One person's standing towards one event (or one intent)."""

    user: User | None
    organiser: bool = False
    participant: bool = False
    speaker_sessions: set[int] = field(default_factory=set)
    buyer_staff: bool = False  # for an intent: a member of the buyer organisation

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None and self.user.is_authenticated else None

    @property
    def organisation_id(self) -> int | None:
        if self.user is None or not self.user.is_authenticated or self.user.membership is None:
            return None
        return self.user.membership.organisation_id

    @property
    def org_admin(self) -> bool:
        return (self.user is not None and self.user.is_authenticated and self.user.membership is not None
                and self.user.membership.role == MemberRole.ADMIN)

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


def _authenticated(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def event_viewer(event: Event, user: User | None, *, organiser: bool | None = None,
                 participant: bool | None = None, speaker_sessions: Iterable[int] | None = None) -> Viewer:
    """``organiser``, ``participant`` and ``speaker_sessions`` (as ``events.access.standing`` has them) when
    the caller knows them already."""
    if not _authenticated(user):
        return Viewer(user=None)
    if organiser is None:
        organiser = event_access.is_organiser(event, user)
    if speaker_sessions is None:
        speaker_sessions = db.session.scalars(
            select(SessionSpeaker.session_id).join(AgendaSession, AgendaSession.id == SessionSpeaker.session_id)
            .where(AgendaSession.event_id == event.id, SessionSpeaker.user_id == user.id))
    sessions = set(speaker_sessions)
    if participant is None and not (organiser or sessions):  # events.access.is_participant, organiser known
        registration = event_access.active_registration(event, user)
        participant = registration is not None and registration.state == RegistrationState.CONFIRMED
    participant = organiser or bool(sessions) or bool(participant)
    return Viewer(user=user, organiser=organiser, participant=participant, speaker_sessions=sessions)


def intent_viewer(intent: Intent, user: User | None) -> Viewer:
    """For an intent, the buyer's staff play the organiser's part."""
    if not _authenticated(user):
        return Viewer(user=None)
    staff = user.is_admin or (user.membership is not None and user.membership.organisation_id == intent.buyer_id)
    participant = staff or any(
        event.is_public and event_viewer(event, user).participant
        for event in db.session.scalars(select(Event).join(EventIntent, EventIntent.event_id == Event.id)
                                        .where(EventIntent.intent_id == intent.id)))
    return Viewer(user=user, organiser=staff, participant=participant, buyer_staff=staff)


def viewer_for(material: Material, user: User | None) -> Viewer:
    if material.event is not None:
        return event_viewer(material.event, user)
    return intent_viewer(material.intent, user)


def can_manage(material: Material, viewer: Viewer) -> bool:
    """Replace, edit or delete: the uploader, their organisation's administrators, or the organisers."""
    if not viewer.signed_in or material.is_removed:
        return False
    if viewer.organiser:
        return True
    if material.uploaded_by_id is not None and material.uploaded_by_id == viewer.user_id:
        return True
    return (material.organisation_id is not None and viewer.org_admin
            and material.organisation_id == viewer.organisation_id)


def can_view(material: Material, viewer: Viewer) -> bool:
    if material.is_removed:
        return False
    if material.is_public or can_manage(material, viewer):
        return True
    if not material.owner_is_public:
        return False
    if material.visibility == MaterialVisibility.PARTICIPANTS:
        return viewer.participant
    return viewer.organiser


def hidden_from(material: Material, viewer: Viewer) -> int:
    """The status to answer someone who may not see an item: 403 where its existence is no secret
    (participants-only material of a public event, so the person learns to sign in or register),
    404 otherwise."""
    if (not material.is_removed and material.owner_is_public
            and material.visibility == MaterialVisibility.PARTICIPANTS):
        return 403
    return 404


def can_upload_to_event(event: Event, viewer: Viewer) -> bool:
    return viewer.signed_in and viewer.organiser


def can_upload_to_session(session: AgendaSession, viewer: Viewer) -> bool:
    return viewer.signed_in and (viewer.organiser or session.id in viewer.speaker_sessions)


def can_upload_to_intent(intent: Intent, viewer: Viewer) -> bool:
    return viewer.signed_in and viewer.buyer_staff


def can_upload_anything(event: Event, viewer: Viewer) -> bool:
    return viewer.signed_in and (viewer.organiser or bool(viewer.speaker_sessions))
