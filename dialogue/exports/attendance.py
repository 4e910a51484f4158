"""The attendance export: an event's registrations as CSV or XLSX, with the columns and rows chosen.

Rows are read from the database in batches and written out as they come, so an export of tens of
thousands of registrations never sits in memory. Spreadsheets must not run what participants typed:
in CSV a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with
an apostrophe (the usual neutralisation), and in XLSX every text is written as text, never as a
formula. Times are given in the event's time zone, which the column heading names; in XLSX they are
real dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import (
    Attendance,
    Event,
    EventFormat,
    Organisation,
    ParticipantRole,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    RegistrationState,
    User,
)

BATCH = 1000

# key: label. "answers" becomes one column per registration question; "consent" three columns.
COLUMNS = {
    "person": _l("Person"),
    "email": _l("Email"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
    "role": _l("Role"),
    "attendance": _l("In person or online"),
    "state": _l("State"),
    "registered_at": _l("Registered"),
    "answers": _l("Answers to the registration questions"),
    "consent": _l("Consent to the participant list"),
    "checked_in_at": _l("Checked in"),
}
DEFAULT_COLUMNS = ("person", "organisation", "country", "role", "state", "checked_in_at")
FORMATS = ("csv", "xlsx")


def default_columns(event: Event) -> list[str]:
    """The columns ticked at first: at a hybrid event also whether each person comes in person or online."""
    keys = list(DEFAULT_COLUMNS)
    if event.format == EventFormat.HYBRID:
        keys.insert(keys.index("role") + 1, "attendance")
    return keys


@dataclass
class Filters:
    roles: Sequence[str] = ()
    states: Sequence[str] = ()
    checked_in: bool | None = None


@dataclass
class Column:
    heading: str
    value: Callable[[object, dict[int, str]], object]  # (row of _query, {question id: answer}) -> cell


def clean_columns(keys: Iterable[str] | None) -> list[str]:
    keys = [k.strip() for key in (keys or ()) for k in key.split(",") if k.strip()]
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise DialogueError(_("Unknown column: %(names)s. Choose from %(all)s.", names=", ".join(unknown),
                              all=", ".join(COLUMNS)), field="columns")
    return list(dict.fromkeys(keys)) or list(DEFAULT_COLUMNS)


def clean_filters(roles: Iterable[str] = (), states: Iterable[str] = (), checked_in: str | bool | None = None
                  ) -> Filters:
    roles, states = list(roles or ()), list(states or ())
    if any(r not in {p.value for p in ParticipantRole} for r in roles):
        raise DialogueError(_("Unknown role."), field="roles")
    if any(s not in {p.value for p in RegistrationState} for s in states):
        raise DialogueError(_("Unknown state."), field="states")
    if isinstance(checked_in, str):
        checked_in = {"yes": True, "no": False, "": None, "any": None}.get(checked_in.lower(), "bad")
        if checked_in == "bad":
            raise DialogueError(_("Checked in is yes, no or any."), field="checked_in")
    return Filters(roles=roles, states=states, checked_in=checked_in)


def _columns(event: Event, keys: list[str]) -> list[Column]:
    from dialogue.registrations.questions import answer_text
    from dialogue.registrations.services import role_label, state_label

    zone = ZoneInfo(event.timezone)
    # Labels are looked up once per export, not once per row.
    roles = {role: role_label(role) for role in ParticipantRole}
    states = {state: state_label(state) for state in RegistrationState}
    ways = {way: str(way.label) for way in Attendance}
    hybrid = event.format == EventFormat.HYBRID
    yes, no, withdrawn = _("yes"), _("no"), _("withdrawn")
    from dialogue.gdpr.names import ERASED

    erased = str(ERASED)  # the registration stays under its organisation and role

    def local(value: dt.datetime | None):
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    def timed(label) -> str:
        return f"{label} ({event.timezone})"

    simple = {
        "person": (COLUMNS["person"], lambda r, a: (r.person or "") if r.user_id is not None else erased),
        "email": (COLUMNS["email"], lambda r, a: r.email or ""),
        "organisation": (COLUMNS["organisation"], lambda r, a: r.organisation or ""),
        "country": (COLUMNS["country"], lambda r, a: r.country or ""),
        "role": (COLUMNS["role"], lambda r, a: roles[r.role]),
        "attendance": (COLUMNS["attendance"],
                       lambda r, a: ways[r.attendance or Attendance.IN_PERSON] if hybrid else ""),
        "state": (COLUMNS["state"], lambda r, a: states[r.state]),
        "registered_at": (timed(COLUMNS["registered_at"]), lambda r, a: local(r.created_at)),
        "checked_in_at": (timed(COLUMNS["checked_in_at"]), lambda r, a: local(r.checked_in_at)),
    }
    columns: list[Column] = []
    for key in keys:
        if key in simple:
            heading, value = simple[key]
            columns.append(Column(str(heading), value))
        elif key == "consent":
            columns.append(Column(_("Listed"), lambda r, a: (
                yes if r.list_consent_at and not r.list_consent_withdrawn_at
                else withdrawn if r.list_consent_withdrawn_at else no)))
            columns.append(Column(timed(_("Consent given")), lambda r, a: local(r.list_consent_at)))
            columns.append(Column(_("Consent wording"), lambda r, a: r.list_consent_version or ""))
        elif key == "answers":
            questions = db.session.scalars(select(RegistrationQuestion).where(
                RegistrationQuestion.event_id == event.id).order_by(RegistrationQuestion.position,
                                                                    RegistrationQuestion.id))
            for q in questions:
                columns.append(Column(q.text, lambda r, a, q=q: answer_text(q, a.get(q.id))))
    return columns


def _query(event: Event, filters: Filters):
    """Plain columns, not ORM objects: an export reads many rows and needs few fields of each."""
    query = (select(Registration.id, Registration.user_id, Registration.role, Registration.attendance,
                    Registration.state,
                    Registration.created_at,
                    Registration.checked_in_at, Registration.list_consent_at, Registration.list_consent_withdrawn_at,
                    Registration.list_consent_version, User.name.label("person"), User.email.label("email"),
                    Organisation.name.label("organisation"), Organisation.country.label("country"))
             .outerjoin(User, Registration.user_id == User.id)
             .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
             .where(Registration.event_id == event.id).order_by(Registration.id))
    if filters.roles:
        query = query.where(Registration.role.in_(list(filters.roles)))
    if filters.states:
        query = query.where(Registration.state.in_(list(filters.states)))
    if filters.checked_in is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif filters.checked_in is False:
        query = query.where(Registration.checked_in_at.is_(None))
    return query.execution_options(yield_per=BATCH)


def _answers(ids: list[int]) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    for registration_id, question_id, value in db.session.execute(
            select(RegistrationAnswer.registration_id, RegistrationAnswer.question_id, RegistrationAnswer.value)
            .where(RegistrationAnswer.registration_id.in_(ids))):
        found.setdefault(registration_id, {})[question_id] = value
    return found


def rows(event: Event, keys: list[str], filters: Filters) -> tuple[list[str], Iterator[list]]:
    """The headings and a lazy iterator over the rows (plain values: text, naive local datetimes).

    Rows come from the database a batch at a time (a server-side cursor on PostgreSQL), with the
    answers of each batch in one more query.
    """
    columns = _columns(event, keys)
    headings = [c.heading for c in columns]
    with_answers = "answers" in keys

    def generate():
        result = db.session.execute(_query(event, filters))
        try:
            for batch in result.partitions():
                answers = _answers([r.id for r in batch]) if with_answers else {}
                for row in batch:
                    found = answers.get(row.id, {})
                    yield [c.value(row, found) for c in columns]
        finally:
            result.close()

    return headings, generate()


def record_export(event: Event, actor: User | None, keys: list[str], filters: Filters, fmt: str,
                  via: str = "web") -> None:
    """The export is in the event's audit log: who took which columns of which registrations, when."""
    from dialogue.audit.services import record_action

    chosen = [f"roles {', '.join(filters.roles)}" if filters.roles else "",
              f"states {', '.join(filters.states)}" if filters.states else "",
              {True: "checked in", False: "not checked in"}.get(filters.checked_in, "")]
    record_action(actor, "attendance.export", f"Exported the attendance as {fmt.upper()} with the columns "
                  f"{', '.join(keys)}" + (f" ({'; '.join(c for c in chosen if c)})" if any(chosen) else ""),
                  event=event, columns=keys, format=fmt, via=via, roles=list(filters.roles) or None,
                  states=list(filters.states) or None, checked_in=filters.checked_in)


def filename(event: Event, fmt: str) -> str:
    return f"{event.slug}-attendance.{fmt}"
