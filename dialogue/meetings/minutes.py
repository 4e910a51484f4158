"""Minutes of one-to-one meetings (Directive 2014/24/EU Art. 40-41, Art. 84).

Who may do what:

- the buyer side (people of a buyer organisation that took part in the meeting, whether or not they
  sat at the table themselves) records the minutes once the meeting has started, edits them and
  publishes what was given: the record is the buyer's;
- the event's organisers read them, and publish to the event's materials when the meeting was not
  about a planned tender;
- the supplier side (people of the supplier organisation) sees that minutes exist and, once published,
  the information given: never the buyer's internal summary;
- anyone else: not allowed.

"Information given about the procurement" is an explicit choice: nothing was given, or the text of
what was given. What was given to one supplier must reach all (Art. 41): one action publishes it to
the planned tender's public Q&A (every follower is mailed), or to the event's materials. Once
published, the information given is fixed: a correction goes out as a new answer, not by editing.
Cancelled meetings and meetings that did not take place take no minutes.
"""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import format_date
from sqlalchemy import and_, exists, select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed, NotFound
from dialogue.core.text import bounded_text
from dialogue.core.urls import external_url
from dialogue.extensions import db
from dialogue.intents.access import is_buyer_staff
from dialogue.intents.questions import publish_clarification
from dialogue.materials.services import upload_material
from dialogue.meetings.i18n import _
from dialogue.meetings.services import organises
from dialogue.models import (
    MaterialVisibility,
    Meeting,
    MeetingMinutes,
    MeetingParticipant,
    MeetingSide,
    MeetingSlot,
    MeetingStatus,
    User,
    utcnow,
)

MAX_SUMMARY = 2000
MAX_INFORMATION = 5000  # fits an event material's description


class MinutesRole(enum.StrEnum):
    BUYER = "buyer"          # records, edits, publishes, reads everything
    ORGANISER = "organiser"  # reads everything, publishes to the event
    SUPPLIER = "supplier"    # sees that minutes exist and what was published


def buyer_organisation_ids(meeting: Meeting) -> set[int]:
    """The buyer organisations that took part (the request's buyer when every buyer has since left)."""
    ids = {p.organisation_id for p in meeting.participants
           if p.side == MeetingSide.BUYER and p.organisation_id is not None}
    if not ids and meeting.request is not None:
        ids = {meeting.request.buyer_org_id}
    return ids


def minutes_role(meeting: Meeting, user: User | None) -> MinutesRole | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    org_id = user.membership.organisation_id if user.membership is not None else None
    if org_id is not None and org_id in buyer_organisation_ids(meeting):
        return MinutesRole.BUYER
    if organises(meeting.event, user):
        return MinutesRole.ORGANISER
    if org_id is not None and org_id == meeting.supplier_org_id:
        return MinutesRole.SUPPLIER
    return None


def get_meeting(meeting_id: int, user: User) -> tuple[Meeting, MinutesRole]:
    """The meeting and the person's part in its minutes; a stranger is not allowed."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.participants).joinedload(MeetingParticipant.user),
        joinedload(Meeting.slot), joinedload(Meeting.intent), joinedload(Meeting.event)))
    if meeting is None or meeting.status == MeetingStatus.PROPOSED:
        raise NotFound(_("There is no such meeting."))
    role = minutes_role(meeting, user)
    if role is None:
        raise NotAllowed(_("Only the buyers in this meeting, its supplier and the organisers see its minutes."))
    return meeting, role


def get_minutes(meeting: Meeting) -> MeetingMinutes | None:
    return db.session.scalar(select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting.id).options(
        joinedload(MeetingMinutes.recorded_by), joinedload(MeetingMinutes.published_question),
        joinedload(MeetingMinutes.published_material)))


def takes_minutes(meeting: Meeting, now: dt.datetime) -> str | None:
    """Why the meeting takes no minutes (yet), or None."""
    if meeting.status == MeetingStatus.CANCELLED:
        return _("This meeting was cancelled: it takes no minutes.")
    if meeting.status != MeetingStatus.CONFIRMED:
        return _("This meeting is not confirmed: it takes no minutes.")
    if meeting.no_show_at is not None:
        return _("This meeting is recorded as not taken place: it takes no minutes.")
    if meeting.slot.starts_at > now:
        return _("Minutes are recorded once the meeting has started.")
    return None


def record_minutes(meeting: Meeting, user: User, *, summary: str, no_information_given: bool,
                   information_given: str | None, now: dt.datetime | None = None) -> MeetingMinutes:
    """Record or edit the minutes: the buyer side only, after the start of a meeting that took place.

    The information given is a required choice (nothing, or its text), and is fixed once published.
    """
    now = now or utcnow()
    if minutes_role(meeting, user) != MinutesRole.BUYER:
        raise NotAllowed(_("Only the buyers of this meeting record its minutes."))
    refusal = takes_minutes(meeting, now)
    if refusal:
        raise Conflict(refusal)
    summary = bounded_text(summary, field="summary", limit=MAX_SUMMARY,
                           too_long=_("Keep the summary under %(n)s characters.", n=f"{MAX_SUMMARY:,}"))
    if not summary:
        raise DialogueError(_("Write a short summary of the meeting."), field="summary")
    information = bounded_text(information_given, field="information_given", limit=MAX_INFORMATION,
                               too_long=_("Keep the information under %(n)s characters.", n=f"{MAX_INFORMATION:,}"))
    if no_information_given and information:
        raise DialogueError(_("Either tick that no information was given, or write what was given: not both."),
                            field="information_given")
    if not no_information_given and not information:
        raise DialogueError(_("Write what was said about the procurement, or tick that nothing was."),
                            field="information_given")
    minutes = get_minutes(meeting)
    created = minutes is None
    if created:
        minutes = MeetingMinutes(meeting_id=meeting.id, recorded_by_id=user.id, recorded_at=now)
        db.session.add(minutes)
    elif minutes.is_published and (bool(no_information_given) != minutes.no_information_given
                                   or (information or None) != minutes.information_given):
        raise Conflict(_("The information given is published: it can no longer be changed. Publish a "
                         "correction as an answer on the planned tender."))
    minutes.summary = summary
    minutes.no_information_given = bool(no_information_given)
    minutes.information_given = information or None
    minutes.updated_at = now
    db.session.flush()
    record_action(user, "meeting.minutes" if created else "meeting.minutes_edited",
                  f"{'Recorded' if created else 'Edited'} the minutes of meeting #{meeting.id} with "
                  f"{meeting.supplier_org.name}", event=meeting.event, intent=meeting.intent,
                  meeting_id=meeting.id)
    return minutes


def _heading(meeting: Meeting) -> str:
    return _("Information given in a one-to-one meeting at “%(event)s” on %(date)s",
             event=meeting.event.title, date=format_date(meeting.slot.starts_at.date(), "long"))


def may_publish(minutes: MeetingMinutes | None, meeting: Meeting, user: User) -> bool:
    """Whether the person gets the publish button: for a planned tender, a buyer of the meeting who is
    of the tender's buyer side (the intents' own rule: its lead buyer or a partner of a joint tender),
    else the organisers."""

    if minutes is None or not minutes.can_publish:
        return False
    if meeting.intent is not None:
        return minutes_role(meeting, user) == MinutesRole.BUYER and is_buyer_staff(meeting.intent, user)
    return organises(meeting.event, user)


def publish_minutes(minutes: MeetingMinutes, user: User, *, now: dt.datetime | None = None) -> MeetingMinutes:
    """Make the information given available to all, once (Art. 41).

    About a planned tender: the buyer side publishes it to the tender's public Q&A through the
    intents' own rule (its buyer's staff only), which mails every follower. Otherwise the
    organisers publish it to the event's materials for every participant.
    """
    now = now or utcnow()
    meeting = minutes.meeting
    role = minutes_role(meeting, user)
    if role not in (MinutesRole.BUYER, MinutesRole.ORGANISER):
        raise NotAllowed(_("Only the buyers of this meeting and the organisers publish from its minutes."))
    if minutes.is_published:
        raise Conflict(_("This information is already published."))
    if minutes.no_information_given:
        raise Conflict(_("The minutes say no information about the procurement was given: there is nothing to "
                         "publish."))
    if meeting.intent is not None:
        if role != MinutesRole.BUYER:
            raise NotAllowed(_("The buyer publishes to its planned tender's questions and answers."))
        minutes.published_question = publish_clarification(
            meeting.intent, user, _heading(meeting), minutes.information_given,
            source=f"in one-to-one meeting #{meeting.id}")
    else:
        if not organises(meeting.event, user):
            raise NotAllowed(_("Without a planned tender, the organisers publish it to the event's materials."))
        minutes.published_material = upload_material(
            user, event=meeting.event, title=_heading(meeting), description=minutes.information_given,
            visibility=MaterialVisibility.PARTICIPANTS,
            link_url=external_url("meetings.published_information", minutes_id=minutes.id))
    minutes.published_at = now
    minutes.published_by_id = user.id
    db.session.flush()
    record_action(user, "meeting.minutes_published", f"Published the information given in meeting #{meeting.id}",
                  event=meeting.event, intent=meeting.intent, meeting_id=meeting.id)
    return minutes


def get_published(minutes_id: int) -> MeetingMinutes:
    minutes = db.session.scalar(select(MeetingMinutes).where(MeetingMinutes.id == minutes_id).options(
        joinedload(MeetingMinutes.meeting).joinedload(Meeting.event),
        joinedload(MeetingMinutes.meeting).joinedload(Meeting.slot)))
    if minutes is None or not minutes.is_published:
        raise NotFound(_("Nothing is published here."))
    return minutes


def missing_minutes(user: User, *, event_id: int | None = None, now: dt.datetime | None = None) -> list[Meeting]:
    """Meetings of the person's buyer organisation that have started, took place and have no minutes."""
    if user.membership is None:
        return []
    now = now or utcnow()
    buyer_side = exists().where(MeetingParticipant.meeting_id == Meeting.id,
                                MeetingParticipant.side == MeetingSide.BUYER,
                                MeetingParticipant.organisation_id == user.membership.organisation_id)
    recorded = exists().where(MeetingMinutes.meeting_id == Meeting.id)
    query = (select(Meeting).join(MeetingSlot, Meeting.slot_id == MeetingSlot.id)
             .where(and_(Meeting.status == MeetingStatus.CONFIRMED, Meeting.no_show_at.is_(None),
                         MeetingSlot.starts_at <= now, buyer_side, ~recorded))
             .options(joinedload(Meeting.slot), joinedload(Meeting.supplier_org), joinedload(Meeting.intent),
                      joinedload(Meeting.event))
             .order_by(MeetingSlot.starts_at, Meeting.id))
    if event_id is not None:
        query = query.where(Meeting.event_id == event_id)
    return list(db.session.scalars(query).unique())


def minutes_by_meeting(meeting_ids: list[int]) -> dict[int, MeetingMinutes]:
    """For the record: each meeting's minutes, with where they were published."""
    if not meeting_ids:
        return {}
    rows = db.session.scalars(select(MeetingMinutes).where(MeetingMinutes.meeting_id.in_(meeting_ids)).options(
        joinedload(MeetingMinutes.published_question), joinedload(MeetingMinutes.published_material)))
    return {m.meeting_id: m for m in rows}
