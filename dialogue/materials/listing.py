"""Readers: the materials of an event or intent as one person may see them, grouped by session.

Each reader runs a fixed number of queries whatever the number of sessions or items.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from dialogue.core import cache
from dialogue.extensions import db
from dialogue.materials import access
from dialogue.materials.access import Viewer
from dialogue.models import AgendaSession, Event, EventIntent, Intent, Material, MaterialVisibility, SessionSpeaker


@dataclass
class Group:
    key: str
    title: str
    number: int | None = None  # the session's place in the agenda, 1-based
    session: AgendaSession | None = None
    intent: Intent | None = None
    items: list[Material] = field(default_factory=list)


@dataclass
class Listing:
    viewer: Viewer
    groups: list[Group]
    hidden_count: int  # items for participants the viewer cannot see yet
    manageable: set[int]
    can_upload: bool = False

    @property
    def items(self) -> list[Material]:
        return [m for g in self.groups for m in g.items]

    @property
    def file_count(self) -> int:
        return sum(1 for m in self.items if m.current is not None and not m.current.is_link)

    def can_manage(self, material: Material) -> bool:
        return material.id in self.manageable


@dataclass(frozen=True)
class Owners:
    """Who has a personal standing towards an event's materials: their uploaders, the organisations
    they were added for, and the buyers of the planned tenders presented at the event."""

    uploaders: frozenset[int]
    organisations: frozenset[int]
    buyers: frozenset[int]


_owners: dict[tuple, Owners] = {}


def event_scopes(event: Event) -> list[tuple]:
    """The cache scopes (dialogue.core.cache) whose versions move when the event's materials change."""
    return [("event", event.id), ("intent-materials",)]


def owners(event: Event) -> Owners:
    """The event's ``Owners``, read from the database once per version of its materials (per process)."""
    key = (id(cache.backend()), event.id, cache.versions(event_scopes(event)))
    found = _owners.get(key)
    if found is None:
        own = db.session.execute(select(Material.uploaded_by_id, Material.organisation_id).where(
            Material.event_id == event.id, Material.removed_at.is_(None))).all()
        presented = db.session.execute(
            select(Material.uploaded_by_id, Material.organisation_id, Intent.buyer_id)
            .join(EventIntent, EventIntent.intent_id == Material.intent_id)
            .join(Intent, Intent.id == Material.intent_id)
            .where(EventIntent.event_id == event.id, Material.removed_at.is_(None))).all()
        found = Owners(uploaders=frozenset(r[0] for r in [*own, *presented] if r[0] is not None),
                       organisations=frozenset(r[1] for r in [*own, *presented] if r[1] is not None),
                       buyers=frozenset(r[2] for r in presented))
        if len(_owners) > 1000:
            _owners.clear()
        _owners[key] = found
    return found


def audience(event: Event, viewer: Viewer) -> tuple:
    """What about the viewer changes the event's listing: who they are only when some item is theirs
    (they uploaded it, administer its organisation, or are staff of the buyer whose tender is presented),
    otherwise only their standing: anonymous, signed in, participant, organiser, speaker of which sessions."""
    if not viewer.signed_in:
        return ("anonymous",)
    standing = (viewer.organiser, viewer.participant, tuple(sorted(viewer.speaker_sessions)))
    found = owners(event)
    org = viewer.organisation_id
    if (viewer.user.is_admin or viewer.user_id in found.uploaders or (org is not None and org in found.buyers)
            or (viewer.org_admin and org in found.organisations)):
        return ("person", viewer.user_id, org, viewer.org_admin, *standing)
    return ("signed-in", *standing)


def _options():
    return (selectinload(Material.versions), joinedload(Material.uploaded_by), joinedload(Material.organisation))


def session_numbers(event: Event) -> dict[int, int]:
    return {s.id: n for n, s in enumerate(event.sessions, start=1)}


def intent_viewer_at_event(intent: Intent, viewer: Viewer) -> Viewer:
    """At an event that presents an intent, its participants are the intent's participants."""
    user = viewer.user
    staff = user is not None and (user.is_admin or viewer.organisation_id == intent.buyer_id)
    return Viewer(user=user, organiser=staff, participant=viewer.participant or staff, buyer_staff=staff)


def _visible(material: Material, viewer: Viewer, listing_hidden: list[int], manageable: set[int]) -> bool:
    if access.can_manage(material, viewer):
        manageable.add(material.id)
    if access.can_view(material, viewer):
        return True
    if access.hidden_from(material, viewer) == 403 and material.visibility == MaterialVisibility.PARTICIPANTS:
        listing_hidden[0] += 1
    return False


def list_event_materials(event: Event, viewer: Viewer) -> Listing:
    """Event-wide items first, then each session in agenda order, then documents of planned tenders
    presented at the event."""
    own = db.session.scalars(select(Material).options(
        *_options(), joinedload(Material.session).selectinload(AgendaSession.speakers).joinedload(SessionSpeaker.user))
                             .where(Material.event_id == event.id, Material.removed_at.is_(None))
                             .order_by(Material.created_at, Material.id)).unique().all()
    presented = db.session.scalars(
        select(Material).options(*_options(), joinedload(Material.intent).joinedload(Intent.buyer))
        .join(EventIntent, EventIntent.intent_id == Material.intent_id)
        .where(EventIntent.event_id == event.id, Material.removed_at.is_(None))
        .order_by(Material.created_at, Material.id)).unique().all()
    numbers = session_numbers(event)
    hidden = [0]
    manageable: set[int] = set()
    general = Group(key="event", title=_("The whole event"), number=0)
    by_session: dict[int, Group] = {}
    for material in own:
        set_committed_value(material, "event", event)  # already loaded: no query per item
        if not _visible(material, viewer, hidden, manageable):
            continue
        if material.session_id is None:
            general.items.append(material)
            continue
        group = by_session.get(material.session_id)
        if group is None:
            group = by_session[material.session_id] = Group(
                key=f"session-{material.session_id}", title=material.session.title, session=material.session,
                number=numbers.get(material.session_id))
        group.items.append(material)
    by_intent: dict[int, Group] = {}
    viewers: dict[int, Viewer] = {}
    for material in presented:
        intent_viewer = viewers.setdefault(material.intent_id, intent_viewer_at_event(material.intent, viewer))
        if not _visible(material, intent_viewer, hidden, manageable):
            continue
        group = by_intent.get(material.intent_id)
        if group is None:
            group = by_intent[material.intent_id] = Group(
                key=f"intent-{material.intent_id}", title=material.intent.title, intent=material.intent)
        group.items.append(material)
    groups = ([general] if general.items else []) + sorted(by_session.values(), key=lambda g: (g.number or 0)) \
        + list(by_intent.values())
    return Listing(viewer=viewer, groups=groups, hidden_count=hidden[0], manageable=manageable,
                   can_upload=access.can_upload_anything(event, viewer))


def list_intent_materials(intent: Intent, viewer: Viewer) -> Listing:
    items = db.session.scalars(select(Material).options(*_options())
                               .where(Material.intent_id == intent.id, Material.removed_at.is_(None))
                               .order_by(Material.created_at, Material.id)).unique().all()
    hidden = [0]
    manageable: set[int] = set()
    group = Group(key=f"intent-{intent.id}", title=intent.title, intent=intent)
    for material in items:
        set_committed_value(material, "intent", intent)
        if _visible(material, viewer, hidden, manageable):
            group.items.append(material)
    return Listing(viewer=viewer, groups=[group] if group.items else [], hidden_count=hidden[0],
                   manageable=manageable, can_upload=access.can_upload_to_intent(intent, viewer))


def upload_targets(event: Event, viewer: Viewer) -> list[tuple[str, str]]:
    """Where this person may add material: (value, label) for the form's choice of session."""
    numbers = session_numbers(event)
    targets = []
    if access.can_upload_to_event(event, viewer):
        targets.append(("event", _("The whole event")))
    for session in event.sessions:
        if access.can_upload_to_session(session, viewer):
            targets.append((f"session-{session.id}", f"{numbers[session.id]:02d} – {session.title}"))
    return targets


def load_material(material_id: int) -> Material | None:
    return db.session.scalar(select(Material).options(
        *_options(), joinedload(Material.event), joinedload(Material.session),
        joinedload(Material.intent).joinedload(Intent.buyer)).where(Material.id == material_id))
