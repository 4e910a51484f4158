"""The fairness view: did each buyer give suppliers of every size, country and kind equal access?

Per buyer organisation, and within it per supplier size (SME, not SME, not stated), country and kind
(supplier, manufacturer, reseller): requests received and what became of them, meetings held and
scheduled, and minutes recorded or missing. Everything is read in three column queries, whatever the
size of the event.

A meeting counts for every buyer organisation that took part in it. "Held" is a confirmed meeting
that has started and was not reported as not taken place. The acceptance rate is the share of
decided requests (accepted, declined, expired) that were accepted; pending and withdrawn requests are
left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import pgettext
from sqlalchemy import and_, case, func, or_, select

from dialogue.extensions import db
from dialogue.meetings.i18n import _, _l
from dialogue.models import (
    Event,
    Meeting,
    MeetingMinutes,
    MeetingParticipant,
    MeetingRequest,
    MeetingSide,
    MeetingSlot,
    MeetingStatus,
    Organisation,
    OrganisationKind,
    OrganisationProfile,
    RequestStatus,
    utcnow,
)

BREAKDOWNS = {"size": _l("Supplier size"), "country": _l("Supplier country"), "kind": _l("Kind of supplier")}
COUNTS = ("requests", "accepted", "declined", "expired", "withdrawn", "pending", "held", "scheduled", "minutes")


@dataclass
class Line:
    """One buyer's figures for one group of suppliers (or all of them: ``group`` None)."""

    buyer_id: int
    buyer: str
    group: str | None
    requests: int = 0
    accepted: int = 0
    declined: int = 0
    expired: int = 0
    withdrawn: int = 0
    pending: int = 0
    held: int = 0
    scheduled: int = 0
    minutes: int = 0  # held meetings with minutes

    @property
    def minutes_missing(self) -> int:
        return self.held - self.minutes

    @property
    def acceptance_rate(self) -> int | None:
        """Per cent of decided requests that were accepted; None with nothing decided."""
        decided = self.accepted + self.declined + self.expired
        return round(100 * self.accepted / decided) if decided else None

    def add(self, counts: dict[str, int]) -> None:
        for name, value in counts.items():
            setattr(self, name, getattr(self, name) + int(value or 0))


@dataclass
class Fairness:
    totals: list[Line]                # one per buyer organisation
    breakdowns: dict[str, list[Line]]  # per breakdown key: one per buyer and group

    @property
    def grand_total(self) -> Line:
        line = Line(0, str(_("All buyers")), None)
        for total in self.totals:
            line.add({name: getattr(total, name) for name in COUNTS})
        return line


def size_label(sme: bool | None) -> str:
    return str(_("SME") if sme else _("not stated") if sme is None else _("not SME"))


def _group(key: str, sme: bool | None, country: str, kind: OrganisationKind) -> str:
    if key == "size":
        return size_label(sme)
    if key == "country":
        return country
    return str(OrganisationKind(kind).label)


def _request_rows(event: Event, now: dt.datetime):
    status = MeetingRequest.status
    lapsed = and_(status == RequestStatus.PENDING, MeetingRequest.expires_at.is_not(None),
                  MeetingRequest.expires_at <= now)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return db.session.execute(
        select(MeetingRequest.buyer_org_id, OrganisationProfile.sme, Organisation.country, Organisation.kind,
               func.count(MeetingRequest.id).label("requests"),
               count(status == RequestStatus.ACCEPTED).label("accepted"),
               count(status == RequestStatus.DECLINED).label("declined"),
               count(or_(status == RequestStatus.EXPIRED, lapsed)).label("expired"),
               count(status == RequestStatus.WITHDRAWN).label("withdrawn"),
               count(and_(status == RequestStatus.PENDING, ~lapsed)).label("pending"))
        .join(Organisation, Organisation.id == MeetingRequest.supplier_org_id)
        .outerjoin(OrganisationProfile, OrganisationProfile.organisation_id == Organisation.id)
        .where(MeetingRequest.event_id == event.id)
        .group_by(MeetingRequest.buyer_org_id, OrganisationProfile.sme, Organisation.country, Organisation.kind)
    ).mappings().all()


def _meeting_rows(event: Event, now: dt.datetime):
    pairs = (select(MeetingParticipant.meeting_id, MeetingParticipant.organisation_id)
             .where(MeetingParticipant.side == MeetingSide.BUYER, MeetingParticipant.organisation_id.is_not(None))
             .distinct().subquery())
    on = and_(Meeting.status == MeetingStatus.CONFIRMED, Meeting.no_show_at.is_(None))
    held = and_(on, MeetingSlot.starts_at <= now)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return db.session.execute(
        select(pairs.c.organisation_id.label("buyer_org_id"), OrganisationProfile.sme, Organisation.country,
               Organisation.kind, count(held).label("held"),
               count(and_(on, MeetingSlot.starts_at > now)).label("scheduled"),
               count(and_(held, MeetingMinutes.id.is_not(None))).label("minutes"))
        .select_from(pairs).join(Meeting, Meeting.id == pairs.c.meeting_id)
        .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .join(Organisation, Organisation.id == Meeting.supplier_org_id)
        .outerjoin(OrganisationProfile, OrganisationProfile.organisation_id == Organisation.id)
        .outerjoin(MeetingMinutes, MeetingMinutes.meeting_id == Meeting.id)
        .where(Meeting.event_id == event.id)
        .group_by(pairs.c.organisation_id, OrganisationProfile.sme, Organisation.country, Organisation.kind)
    ).mappings().all()


def fairness(event: Event, *, now: dt.datetime | None = None) -> Fairness:
    """The event's figures per buyer organisation, in total and by each breakdown."""
    now = now or utcnow()
    rows = [*_request_rows(event, now), *_meeting_rows(event, now)]
    buyer_ids = {row["buyer_org_id"] for row in rows}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_(buyer_ids))).all()) if buyer_ids else {}
    totals: dict[int, Line] = {}
    groups: dict[str, dict[tuple[int, str], Line]] = {key: {} for key in BREAKDOWNS}
    for row in rows:
        buyer_id = row["buyer_org_id"]
        counts = {name: row[name] for name in COUNTS if name in row}
        totals.setdefault(buyer_id, Line(buyer_id, names.get(buyer_id, ""), None)).add(counts)
        for key, lines in groups.items():
            group = _group(key, row["sme"], row["country"], row["kind"])
            lines.setdefault((buyer_id, group), Line(buyer_id, names.get(buyer_id, ""), group)).add(counts)

    def order(line: Line):
        return (line.buyer.lower(), line.buyer_id, line.group or "")

    return Fairness(totals=sorted(totals.values(), key=order),
                    breakdowns={key: sorted(lines.values(), key=order) for key, lines in groups.items()})


def headings() -> list[str]:
    return [str(_("Buyer organisation")), str(_("Breakdown")), str(_("Group")), str(_("Requests received")),
            str(pgettext("meeting requests", "Accepted")), str(pgettext("meeting requests", "Declined")),
            str(pgettext("meeting requests", "Expired")), str(pgettext("meeting requests", "Withdrawn")),
            str(pgettext("meeting requests", "Pending")),
            str(_("Acceptance rate (%)")), str(_("Meetings held")), str(_("Meetings scheduled")),
            str(_("Minutes recorded")), str(_("Minutes missing"))]


def rows(table: Fairness) -> list[list]:
    """Every line as spreadsheet cells: each buyer's total, then each breakdown."""
    def cells(line: Line, breakdown: str) -> list:
        return [line.buyer, breakdown, line.group if line.group is not None else str(_("all suppliers")),
                line.requests, line.accepted, line.declined, line.expired, line.withdrawn, line.pending,
                line.acceptance_rate if line.acceptance_rate is not None else "", line.held, line.scheduled,
                line.minutes, line.minutes_missing]

    found = [cells(line, str(_("total"))) for line in table.totals]
    for key, label in BREAKDOWNS.items():
        found += [cells(line, str(label)) for line in table.breakdowns[key]]
    return found
