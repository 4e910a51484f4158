"""What an anonymous visitor may see of an event, an intent and a material is one rule per kind, with a
Python form (on a loaded object) and an SQL form (in a query); the two must agree in every state."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.models import Event, EventStatus, Intent, IntentStatus, Material, MaterialVisibility, utcnow


def public_in_sql(model, ids) -> set[int]:
    return set(db.session.scalars(select(model.id).where(model.id.in_(ids), model.is_public)))


def test_event_is_public_in_python_and_sql_alike(make_event):
    events = {status: make_event(status=status) for status in EventStatus}
    in_python = {e.id for e in events.values() if e.is_public}
    assert in_python == public_in_sql(Event, [e.id for e in events.values()])
    assert not events[EventStatus.DRAFT].is_public and events[EventStatus.CANCELLED].is_public


def test_intent_is_public_in_python_and_sql_alike(make_intent):
    intents = {status: make_intent(status=status) for status in IntentStatus}
    in_python = {i.id for i in intents.values() if i.is_public}
    assert in_python == public_in_sql(Intent, [i.id for i in intents.values()])
    assert not intents[IntentStatus.DRAFT].is_public and intents[IntentStatus.WITHDRAWN].is_public


def test_material_is_public_in_python_and_sql_alike(make_event, make_intent):
    owners = [{"event": make_event(status=EventStatus.DRAFT)}, {"event": make_event()},
              {"intent": make_intent(status=IntentStatus.DRAFT)}, {"intent": make_intent()}]
    materials = []
    for owner, visibility, removed in itertools.product(owners, MaterialVisibility, (False, True)):
        material = Material(title="Slides", visibility=visibility, removed_at=utcnow() if removed else None, **owner)
        db.session.add(material)
        materials.append(material)
    db.session.commit()
    in_python = {m.id for m in materials if m.is_public}
    assert in_python == public_in_sql(Material, [m.id for m in materials])
    # Public, not removed, on the published event and on the announced intent: exactly two.
    assert len(in_python) == 2
