"""A series for the demo: the market dialogues on fair and circular ICT of public buyers working with ICLEI's
Procura+ network, with the 2018 Make ICT Fair event in Nijmegen behind it and the Nordic Forum ahead.
A buyer follows it. A second run finds the series by its address and changes nothing."""

from __future__ import annotations

from sqlalchemy import select, update

from dialogue.extensions import db
from dialogue.models import Event, Series, SeriesFollower, SeriesOwner, utcnow
from dialogue.series.following import CONSENT_VERSION

SLUG = "fair-circular-ict-dialogues"
DESCRIPTION = (
    "Public buyers who buy ICT and work with ICLEI's Procura+ network meet, in person and online, to "
    "develop fair and circular criteria together and to hear from the market before they tender.\n\n"
    "Follow the series to hear when the next market dialogue is published.")


def build(world: dict) -> None:
    orgs, people, events = world["orgs"], world["people"], world.get("events", {})
    series = db.session.scalar(select(Series).where(Series.slug == SLUG))
    if series is None:
        series = Series(slug=SLUG, title="Fair and circular ICT: market dialogues of public buyers",
                        description=DESCRIPTION, created_by_id=people["organiser"].id)
        for slug in ("iclei", "helsinki"):
            series.owners.append(SeriesOwner(organisation=orgs[slug]))
        db.session.add(series)
        db.session.flush()
        for event in events.values():
            # Joining the series is no change to the event itself: a 2018 event keeps its 2018 dates.
            values = {"series_id": series.id, "updated_at": Event.updated_at}
            if event.is_public and event.starts_at > utcnow():
                values["series_announced_at"] = utcnow()  # the followers below heard of it
            db.session.execute(update(Event).where(Event.id == event.id).values(**values))
            db.session.refresh(event)
        follower = people["buyer-oslo"]
        now = utcnow()
        db.session.add(SeriesFollower(series_id=series.id, user_id=follower.id, confirmed_at=now,
                                      consent_version=CONSENT_VERSION, consented_at=now))
