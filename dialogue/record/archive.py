"""The consultation record as a ZIP of CSV files, for the tender file.

The cells go through the attendance export's CSV writer, so what participants typed can never run
as a spreadsheet formula. Times are local to the record's zone, which each column heading names.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Iterable

from flask_babel import gettext as _

from dialogue.core.spreadsheet import csv_chunks
from dialogue.core.timeutil import to_zone
from dialogue.gdpr.names import ERASED
from dialogue.invitations.record import record_table as invitations_table
from dialogue.materials.templating import material_language, material_visibility
from dialogue.meetings import fairness
from dialogue.models import AuditEntry, IntentQuestion, Material, MeetingStatus, QuestionStatus
from dialogue.readiness.export import record_tables
from dialogue.record.intent_record import IntentRecord
from dialogue.record.names import EXPLANATION
from dialogue.record.services import EventRecord, MeetingLine
from dialogue.registrations.services import role_label, state_label


class Table:
    """One CSV file: a name, headings, rows."""

    def __init__(self, name: str, headings: list[str], rows: Iterable[list]):
        self.name, self.headings, self.rows = name, headings, list(rows)

    def data(self) -> bytes:
        return b"".join(csv_chunks(self.headings, self.rows))


def _local(zone: str):
    def local(value: dt.datetime | None):
        return to_zone(value, zone).replace(tzinfo=None) if value else None
    return local


def _when(label: str, zone: str) -> str:
    return f"{label} ({zone})"


def meeting_status(status) -> str:
    return _("cancelled") if status == MeetingStatus.CANCELLED else _("confirmed")


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


# --- tables shared by both records ---------------------------------------------------------------------

def questions_table(questions: list[IntentQuestion], zone: str) -> Table:
    local = _local(zone)
    return Table("questions_and_answers.csv", [
        _("Planned tender"), _("No."), _("Asked by organisation"), _when(_("Asked"), zone), _("Question"),
        _when(_("Wording edited"), zone), _("Status"), _("Merged into no."), _("Answer"),
        _when(_("Answered"), zone), _when(_("Answer corrected"), zone)],
        [[q.intent.title, q.id, q.asker_organisation.name if q.asker_organisation else "",
          local(q.asked_at), q.public_text, local(q.wording_edited_at), str(q.status.label),
          q.merged_into_id if q.status == QuestionStatus.MERGED else "", q.answer or "", local(q.answered_at),
          local(q.answer_updated_at)] for q in questions])


def meetings_table(lines: list[MeetingLine], zone: str) -> Table:
    local = _local(zone)
    return Table("meetings.csv", [
        _("Meeting"), _("Event"), _when(_("Starts"), zone), _when(_("Ends"), zone), _("Place"),
        _("Supplier organisation"), _("Buyer organisations"), _("Planned tender or topic"), _("Status"),
        _("Took place"), _when(_("Reported as not taken place"), zone), _when(_("Cancelled"), zone)],
        [[line.meeting.id, line.meeting.event.title, local(line.meeting.slot.starts_at),
          local(line.meeting.slot.ends_at),
          line.meeting.location.label if line.meeting.location else (_("online") if line.meeting.virtual_url else ""),
          line.meeting.supplier_org.name, "; ".join(line.buyers), line.meeting.subject,
          meeting_status(line.meeting.status), _("scheduled") if line.scheduled else _yes(line.took_place),
          local(line.meeting.no_show_at),
          local(line.meeting.cancelled_at)] for line in lines])


def minutes_table(lines: list[MeetingLine], minutes: dict, zone: str) -> Table:
    """Each meeting that took place with its minutes (or "missing"), and where what was given was published."""
    local = _local(zone)
    rows = []
    for line in lines:
        m, n = line.meeting, minutes.get(line.meeting.id)
        if n is None and not line.took_place:
            continue
        where = ""
        if n is not None and n.published_question_id:
            where = _("Questions and answers no. %(n)s", n=n.published_question_id)
        elif n is not None and n.published_material_id:
            where = _("Material no. %(n)s", n=n.published_material_id)
        given = "" if n is None else (_("No information about the procurement was given.")
                                      if n.no_information_given else n.information_given)
        rows.append([m.id, m.event.title, local(m.slot.starts_at), m.supplier_org.name, "; ".join(line.buyers),
                     m.subject, _("recorded") if n else _("missing"), n.summary if n else "", given,
                     local(n.recorded_at) if n else None, local(n.published_at) if n else None, where])
    return Table("meeting_minutes.csv", [
        _("Meeting"), _("Event"), _when(_("Starts"), zone), _("Supplier organisation"), _("Buyer organisations"),
        _("Planned tender or topic"), _("Minutes"), _("Summary"), _("Information given about the procurement"),
        _when(_("Recorded"), zone), _when(_("Published"), zone), _("Published as")], rows)


def materials_table(materials: list[Material], zone: str, name: str = "materials.csv") -> Table:
    local = _local(zone)
    rows = []
    for m in materials:
        current = m.current
        file = [current.filename, current.link_url, current.size, current.sha256,
                local(current.created_at)] if current else [None] * 5
        rows.append([
            m.id, m.title, m.intent.title if m.intent is not None else (m.session.title if m.session else ""),
            material_language(m.language), material_visibility(m),
            m.organisation.name if m.organisation else "", local(m.created_at), len(m.versions), *file,
            local(m.removed_at)])
    return Table(name, [
        _("Material"), _("Title"), _("Session or planned tender"), _("Language"), _("Visible to"),
        _("Added by organisation"), _when(_("Published"), zone), _("Versions"), _("Current file"), _("Link"),
        _("Size (bytes)"), _("SHA-256"), _when(_("Current version added"), zone), _when(_("Removed"), zone)], rows)


def audit_table(entries: list[AuditEntry], zone: str) -> Table:
    local = _local(zone)
    return Table("audit_log.csv", [_when(_("When"), zone), _("Who"), _("Organisation"), _("Action"), _("What")],
                 [[local(e.created_at), e.actor_name or _("(system)"), e.actor_organisation, e.action, e.summary]
                  for e in sorted(entries, key=lambda e: (e.created_at, e.id))])


def _zip(tables: list[Table], readme: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for table in tables:
            archive.writestr(table.name, table.data())
    return buffer.getvalue()


def _readme(title: str, zone: str, generated_at: dt.datetime, generated_by: str, tables: list[Table]) -> str:
    lines = [_("Consultation record: %(title)s", title=title),
             _("Taken %(when)s by %(who)s.", when=to_zone(generated_at, zone).strftime("%Y-%m-%d %H:%M")
               + f" ({zone})", who=generated_by),
             _("All times are in %(zone)s.", zone=zone), str(EXPLANATION), "",
             _("Files (CSV, UTF-8):")]
    lines += [f"- {table.name} ({len(table.rows)})" for table in tables]
    return "\r\n".join(lines) + "\r\n"


# --- the event's record ----------------------------------------------------------------------------------

def event_tables(record: EventRecord) -> list[Table]:
    event, zone = record.event, record.zone
    local = _local(zone)
    facts = Table("event.csv", [_("Field"), _("Value")], [
        [_("Event"), event.title], [_("Address"), event.slug], [_("Status"), event.status.value],
        [_when(_("Starts"), zone), local(event.starts_at)], [_when(_("Ends"), zone), local(event.ends_at)],
        [_("Venue"), event.venue or ""], [_("Format"), event.format.value],
        [_("Co-hosts"), "; ".join(c.organisation.name for c in event.cohosts)],
        [_("Registrations"), record.totals["registrations"]], [_("Confirmed"), record.totals["confirmed"]],
        [_("Attended"), record.totals["attended"]], [_("Meetings held or planned"), record.totals["meetings"]],
        [_when(_("Record taken"), zone), local(record.generated_at)], [_("Record taken by"), record.generated_by]])
    cohosts = Table("cohosts.csv", [_("Organisation"), _("Country")],
                    [[c.organisation.name, c.organisation.country] for c in event.cohosts])
    people = Table("people_in_public_roles.csv", [_("Name"), _("Organisation"), _("Role")],
                   [[p.name, p.organisation, p.role] for p in record.public_people])
    intents = Table("planned_tenders.csv", [
        _("Planned tender"), _("Buyer"), _("Main CPV code"), _("Status"), _when(_("Announced"), zone),
        _when(_("Presented at this event since"), zone)],
        [[link.intent.title, link.intent.buyer.name, link.intent.cpv_main, str(link.intent.status.label),
          local(link.intent.announced_at), local(link.linked_at)] for link in record.intents])
    sessions = Table("agenda.csv", [_when(_("Starts"), zone), _when(_("Ends"), zone), _("Session"), _("Speakers")],
                     [[local(s.starts_at), local(s.ends_at), s.title,
                       "; ".join(f"{sp.user.name} ({sp.user.organisation.name})" if sp.user.organisation
                                 else sp.user.name for sp in s.speakers)] for s in event.sessions])
    registrations = Table("registrations.csv", [
        _("Organisation"), _("Country"), _("Role"), _("In person or online"), _("State"),
        _when(_("Registered"), zone),
        _when(_("Confirmed"), zone), _when(_("Cancelled or rejected"), zone), _("Attended"),
        _when(_("Checked in"), zone), _("Name"), _("Named on the basis of")],
        [[p.organisation.name if p.organisation else "", p.organisation.country if p.organisation else "",
          role_label(p.registration.role), p.attendance, state_label(p.registration.state),
          local(p.registration.created_at),
          local(p.registration.confirmed_at), local(p.registration.cancelled_at), _yes(p.attended),
          local(p.registration.checked_in_at), p.name or "", p.name_basis or ""] for p in record.participants])
    organisations = Table("organisations.csv", [
        _("Organisation"), _("Country"), _("Roles"), _("Confirmed registrations"), _("Attended")],
        [[o.organisation.name if o.organisation else str(ERASED), o.organisation.country if o.organisation else "",
          ", ".join(role_label(r) for r in sorted(o.roles)), o.registered, o.attended] for o in record.organisations])
    surveys = Table("surveys.csv", [
        _("Survey"), _("Anonymous"), _when(_("Opens"), zone), _when(_("Closes"), zone), _("Invited"),
        _("Responses"), _("Response rate (%)")],
        [[s.title, _yes(s.anonymous), local(s.opens_at), local(s.closes_at), r.invited, r.responses,
          r.rate if r.rate is not None else ""] for s, r in record.surveys])
    summary_rows = []
    for survey, results in record.surveys:
        for item in results.questions:
            for row in item.rows:
                summary_rows.append([survey.title, item.question.text, row.label, row.count, row.percent,
                                     item.answered])
            for label, value in ((_("Mean"), item.mean), (_("Median"), item.median)):
                if value is not None:
                    summary_rows.append([survey.title, item.question.text, label, value, "", item.answered])
            if item.nps:
                summary_rows.append([survey.title, item.question.text, _("NPS score"), item.nps["score"], "",
                                     item.answered])
            if item.texts:
                summary_rows.append([survey.title, item.question.text, _("Written answers"), len(item.texts), "",
                                     item.answered])
    survey_results = Table("survey_results.csv", [_("Survey"), _("Question"), _("Answer"), _("Count"),
                                                  _("Percent"), _("Answered the question")], summary_rows)
    return [facts, cohosts, people, intents, sessions, registrations, organisations,
            meetings_table(record.meetings, zone), minutes_table(record.meetings, record.minutes, zone),
            Table("meetings_fairness.csv", fairness.headings(), fairness.rows(record.fairness)),
            materials_table(record.materials, zone),
            materials_table(record.intent_materials, zone, "planned_tender_documents.csv"),
            questions_table(record.questions, zone), surveys, survey_results, audit_table(record.audit, zone),
            *(Table(*table) for table in record_tables(record.readiness, zone, answers=False)),
            Table(*invitations_table(record.invitations, zone))]


def event_zip(record: EventRecord) -> bytes:
    tables = event_tables(record)
    return _zip(tables, _readme(record.event.title, record.zone, record.generated_at, record.generated_by, tables))


# --- the intent's record ---------------------------------------------------------------------------------

def intent_tables(record: IntentRecord) -> list[Table]:
    intent, zone = record.intent, record.zone
    local = _local(zone)
    facts = Table("planned_tender.csv", [_("Field"), _("Value")], [
        [_("Planned tender"), intent.title], [_("Buyer"), intent.buyer.name], [_("Main CPV code"), intent.cpv_main],
        [_("Status"), str(intent.status.label)], [_("Estimated value"), intent.estimated_value or ""],
        [_("Currency"), intent.currency or ""],
        [_("Planned contract notice"), intent.planned_notice_date.isoformat() if intent.planned_notice_date else ""],
        [_when(_("Announced"), zone), local(intent.announced_at)],
        [_when(_("Tender published"), zone), local(intent.tender_published_at)],
        [_("Contract notice"), intent.tender_url or ""], [_when(_("Awarded"), zone), local(intent.awarded_at)],
        [_when(_("Withdrawn"), zone), local(intent.withdrawn_at)], [_("Reason"), intent.withdrawal_reason or ""],
        [_when(_("Record taken"), zone), local(record.generated_at)], [_("Record taken by"), record.generated_by]])
    events = Table("events.csv", [
        _("Event"), _("Co-hosts"), _when(_("Starts"), zone), _when(_("Ends"), zone), _("Status"),
        _when(_("Presented since"), zone), _("Confirmed registrations"), _("Attended"), _("Meetings about it")],
        [[line.event.title, "; ".join(c.organisation.name for c in line.event.cohosts), local(line.event.starts_at),
          local(line.event.ends_at), line.event.status.value, local(line.link.linked_at), line.registered,
          line.attended, line.meetings] for line in record.events])
    history = Table("history.csv", [_when(_("When"), zone), _("Change"), _("Public"), _("Details"), _("Note")],
                    [[local(c.at), str(c.action.label), _yes(c.public),
                      "; ".join(f"{d.get('field')}: {d.get('old') or '–'} → {d.get('new') or '–'}"
                                for d in (c.details or [])), c.note or ""] for c in record.history])
    return [facts, events, questions_table(record.questions, zone), history, meetings_table(record.meetings, zone),
            minutes_table(record.meetings, record.minutes, zone),
            materials_table(record.materials, zone, "documents.csv"), audit_table(record.audit, zone),
            *(Table(*table) for table in record_tables([record.readiness] if record.readiness else [], zone))]


def intent_zip(record: IntentRecord) -> bytes:
    tables = intent_tables(record)
    return _zip(tables, _readme(record.intent.title, record.zone, record.generated_at, record.generated_by, tables))
