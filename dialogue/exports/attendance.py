"""The attendance export: an event's registrations as CSV or XLSX, with the columns and rows chosen.

Rows are read from the database in batches and written out as they come, so an export of tens of
thousands of registrations never sits in memory. One query gives every cell ready to write (labels,
answers, consent and, on PostgreSQL, local times are worked out by the database), so the export
costs little more than the query and the writer themselves (bench/events_bench.py compares them).

Spreadsheets must not run what participants typed: in CSV a cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is prefixed with an apostrophe (the usual neutralisation), and in
XLSX every text is written as text, never as a formula. Times are given in the event's time zone,
which the column heading names; in XLSX they are real dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, case, func, literal, select, text, type_coerce
from sqlalchemy.orm import aliased

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import (
    Attendance,
    Event,
    EventFormat,
    Organisation,
    ParticipantRole,
    QuestionKind,
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
    sql: object                          # what the query selects for it
    local_time: bool = False             # an aware UTC time, given as the naive time in the event's zone
    join: tuple | None = None            # (table, on): what the query joins for it


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


def _labels(column, labels: dict, default=None):
    """The label of each stored value, chosen by the database: no Python work per row."""
    return case({value: label for value, label in labels.items()}, value=type_coerce(column, String),
                else_=default if default is not None else type_coerce(column, String))


def _columns(event: Event, keys: list[str]) -> list[Column]:
    """Every cell is worked out by the query itself (labels, the erased person, consent, answers),
    except times on SQLite, which knows no time zones."""
    from dialogue.gdpr.names import ERASED
    from dialogue.registrations.services import role_label, state_label

    # Labels are looked up once per export, in the reader's language, and sent as parameters.
    roles = {role.value: role_label(role) for role in ParticipantRole}
    states = {state.value: state_label(state) for state in RegistrationState}
    ways = {way.value: str(way.label) for way in Attendance}
    yes, no, withdrawn = _("yes"), _("no"), _("withdrawn")
    label = lambda value: literal(str(value), String)  # noqa: E731

    def timed(label) -> str:
        return f"{label} ({event.timezone})"

    def answer(question: RegistrationQuestion):
        given = aliased(RegistrationAnswer)
        join = (given, and_(given.registration_id == Registration.id, given.question_id == question.id))
        value = given.value
        if question.kind == QuestionKind.YES_NO:  # as registrations.questions.answer_text gives it
            value = case((value == "yes", label(yes)), (value == "no", label(no)), else_=func.coalesce(value, ""))
        return Column(question.text, func.coalesce(value, ""), join=join)

    simple = {
        "person": lambda: case((Registration.user_id.is_(None), label(ERASED)), else_=func.coalesce(User.name, "")),
        "email": lambda: func.coalesce(User.email, ""),
        "organisation": lambda: func.coalesce(Organisation.name, ""),
        "country": lambda: func.coalesce(Organisation.country, ""),
        "role": lambda: _labels(Registration.role, roles),
        "attendance": lambda: (_labels(func.coalesce(type_coerce(Registration.attendance, String),
                                                     Attendance.IN_PERSON.value), ways)
                               if event.format == EventFormat.HYBRID else label("")),
        "state": lambda: _labels(Registration.state, states),
    }
    columns: list[Column] = []
    for key in keys:
        if key in simple:
            columns.append(Column(str(COLUMNS[key]), simple[key]()))
        elif key in ("registered_at", "checked_in_at"):
            field = Registration.created_at if key == "registered_at" else Registration.checked_in_at
            columns.append(Column(timed(COLUMNS[key]), field, local_time=True))
        elif key == "consent":
            given, gone = Registration.list_consent_at, Registration.list_consent_withdrawn_at
            columns.append(Column(_("Listed"), case((and_(given.is_not(None), gone.is_(None)), label(yes)),
                                                    (gone.is_not(None), label(withdrawn)), else_=label(no))))
            columns.append(Column(timed(_("Consent given")), given, local_time=True))
            columns.append(Column(_("Consent wording"), func.coalesce(Registration.list_consent_version, "")))
        elif key == "answers":
            questions = db.session.scalars(select(RegistrationQuestion).where(
                RegistrationQuestion.event_id == event.id).order_by(RegistrationQuestion.position,
                                                                    RegistrationQuestion.id))
            columns += [answer(q) for q in questions]
    return columns


def _query(event: Event, columns: list[Column], filters: Filters, in_database_zone: bool, as_text: bool):
    """One query for the whole export: plain values, no ORM objects, nothing asked again per row.
    On PostgreSQL times come already in the event's zone (``timezone()``), as text if asked."""
    selected = []
    for column in columns:
        if column.local_time and in_database_zone:
            local = func.timezone(event.timezone, column.sql)
            selected.append((func.to_char(local, "YYYY-MM-DD HH24:MI:SS") if as_text else local).label(None))
        elif column.local_time:  # SQLite's text, read in rows()
            selected.append(type_coerce(column.sql, String).label(None))
        else:
            selected.append(column.sql.label(None))
    query = (select(*selected)
             .select_from(Registration)
             .outerjoin(User, Registration.user_id == User.id)
             .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
             .where(Registration.event_id == event.id).order_by(Registration.id))
    for column in columns:
        if column.join is not None:
            query = query.outerjoin(*column.join)
    if filters.roles:
        query = query.where(Registration.role.in_(list(filters.roles)))
    if filters.states:
        query = query.where(Registration.state.in_(list(filters.states)))
    if filters.checked_in is True:
        query = query.where(Registration.checked_in_at.is_not(None))
    elif filters.checked_in is False:
        query = query.where(Registration.checked_in_at.is_(None))
    return query


def _offsets(zone: ZoneInfo) -> Callable[[str], dt.timedelta]:
    """SQLite keeps UTC as text without a zone. A zone's offset changes only on a whole minute, so it
    is worked out once per minute of the data (memory stays flat: the cache is emptied when full)."""
    offsets: dict[str, dt.timedelta] = {}

    def offset(minute: str) -> dt.timedelta:
        found = offsets.get(minute)
        if found is None:
            if len(offsets) > 10_000:
                offsets.clear()
            start = dt.datetime.fromisoformat(minute).replace(tzinfo=dt.timezone.utc)
            found = offsets[minute] = start.astimezone(zone).utcoffset()
        return found
    return offset


def _local_time(zone: str) -> Callable[[str], dt.datetime]:
    """A stored UTC text as the naive time in ``zone`` (for XLSX, which writes real dates)."""
    offset = _offsets(ZoneInfo(zone))
    return lambda value: dt.datetime.fromisoformat(value) + offset(value[:16])


def _local_text(zone: str) -> Callable[[str], str]:
    """A stored UTC text as the text of the time in ``zone`` to the second, as a CSV gives it. Per minute
    of the data the local minute is worked out once, and each time only adds its seconds to it: an
    export of 20,000 rows does no date arithmetic per row."""
    offset = _offsets(ZoneInfo(zone))
    minutes: dict[str, str] = {}

    def local(value: str) -> str:
        minute = value[:16]
        shifted = minutes.get(minute)
        if shifted is None:
            if len(minutes) > 10_000:
                minutes.clear()
            moved = offset(minute)
            if moved.seconds % 60:  # a zone's old local mean time, off by seconds: no shortcut
                return (dt.datetime.fromisoformat(value) + moved).isoformat(" ", "seconds")
            shifted = minutes[minute] = (dt.datetime.fromisoformat(minute) + moved).isoformat(" ", "minutes")
        return shifted + value[16:19]
    return local


def rows(event: Event, keys: list[str], filters: Filters, *, text_times: bool = False
         ) -> tuple[list[str], Iterator[Sequence]]:
    """The headings and a lazy iterator over the rows (plain values: text, naive local datetimes or,
    with ``text_times``, the same times as text to the second, as a CSV gives them).

    The rows come from one query, read a batch at a time (a server-side cursor on PostgreSQL), so
    that memory stays flat however many there are.
    """
    columns = _columns(event, keys)
    headings = [c.heading for c in columns]
    in_database_zone = db.session.get_bind().dialect.name == "postgresql"
    query = _query(event, columns, filters, in_database_zone, text_times)
    times = [] if in_database_zone else [i for i, c in enumerate(columns) if c.local_time]
    local = _local_text(event.timezone) if text_times else _local_time(event.timezone)

    def generate():
        connection = db.session.connection()
        if in_database_zone:
            # Through a cursor PostgreSQL plans for the first tenth of the rows by default (nested
            # loops, fine for a page, slow for all 20,000); an export reads them all.
            connection.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
        result = connection.execute(query.execution_options(yield_per=BATCH))  # on the query: the session goes on
        try:
            for batch in result.partitions():
                if not times:
                    yield from batch
                    continue
                for row in batch:
                    row = list(row)
                    for i in times:
                        if row[i] is not None:
                            row[i] = local(row[i])
                    yield row
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
