"""Participants' pages: the agenda and calendar feed, the event's meetings page, the buyers, self-booking,
availability. Requests are in ``request_routes``, one meeting in ``meeting_routes``."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from dialogue.auth import signed_in
from dialogue.core import cache
from dialogue.core.actions import form_status, perform, post_views
from dialogue.core.forms import ButtonForm, choices
from dialogue.core.inputs import parse_id
from dialogue.core.permissions import visible_or_404
from dialogue.events.access import get_event_or_404, is_organiser, require_participant
from dialogue.extensions import db
from dialogue.meetings import agenda, bp, notify, placement, queries
from dialogue.meetings.availability import busy_slot_ids, interest_ids, set_availability, set_interests
from dialogue.meetings.forms import AvailabilityForm, BookForm
from dialogue.meetings.people import (
    buyer_organisations,
    buyer_people,
    confirmed_registration,
    get_settings,
    side_of,
)
from dialogue.meetings.requests import requestable_choices, requestable_intents
from dialogue.meetings.setup import list_slots
from dialogue.models import Event, MeetingMode, MeetingSettings, Registration, User, utcnow


@bp.app_context_processor
def meeting_helpers():
    def both_times(value, event):
        zone = current_user.timezone if current_user.is_authenticated else None
        return notify.times(value, event.timezone, zone)

    def meetings_section(event, standing=None):
        """What the event page's meetings section needs, in a fixed handful of queries; the person's
        registration from the page's ``standing`` (``events.access``) when it has one."""
        settings = get_settings(event)
        if settings is None or not current_user.is_authenticated:
            return {"settings": settings, "side": None, "count": 0}
        registration = (standing.confirmed_registration if standing is not None
                        else confirmed_registration(event, current_user))
        side = side_of(registration)
        count = agenda.my_meeting_count(current_user, event) if side else 0
        return {"settings": settings, "side": side, "count": count}

    return {"both_times": both_times, "meetings_section": meetings_section, "meeting_place": notify.place}


def slot_label(slot, event) -> str:
    """A slot's time in the event's zone and, when it differs, in the person's own."""
    return notify.times(slot.starts_at, event.timezone, current_user.timezone)


def slot_choices(slots, event):
    label = notify.time_labels(event.timezone, current_user.timezone)
    return choices((s.id, label(s.starts_at)) for s in slots)


# Agenda and feed ----------------------------------------------------------------------------------

@bp.get("/meetings")
@login_required
def my_agenda():
    return render_template("meetings/my_agenda.html", lists=_agenda_lists(current_user, utcnow()),
                           token=agenda.feed_token(current_user), form=ButtonForm())


def _agenda_lists(user: User, now: dt.datetime) -> Markup:
    """The person's meetings and requests, rendered once per change to what they show. Without a change
    the lists still move when a meeting ends or a request expires: the moments when that happens are
    kept with them, and the lists are kept per span between two such moments."""
    scopes = agenda.agenda_scopes(user)
    loaded: dict[str, list] = {}

    def read() -> dict[str, list]:
        if not loaded:
            sent, received = agenda.my_requests(user)
            loaded.update(meetings=agenda.my_meetings(user), sent=sent, received=received)
        return loaded

    def build_turns() -> tuple[float, ...]:
        lists = read()
        return tuple(agenda.turning_points(lists["meetings"], lists["sent"] + lists["received"]))

    def build_lists() -> str:
        lists = read()
        return render_template("meetings/_my_agenda_lists.html", now=now, sent=lists["sent"],
                               received=lists["received"],
                               upcoming=[m for m in lists["meetings"] if m.slot.ends_at > now],
                               past=[m for m in lists["meetings"] if m.slot.ends_at <= now])

    turns = cache.kept("meetings/agenda-turns", scopes, build_turns, audience=(user.id,))
    span = bisect.bisect_right(turns, now.timestamp())
    return cache.fragment("meetings/agenda-lists", scopes, build_lists, audience=(user.id, user.timezone, span))


def _feed_view(change, success):
    def view():
        return perform(lambda: change(current_user), to=url_for("meetings.my_agenda") + "#feed", form=ButtonForm(),
                       success=success)
    return view


post_views(bp, "/meetings/feed/{path}", {
    "feed_regenerate": ("regenerate", agenda.regenerate_feed_token,
                        _l("Your calendar feed has a new address. The old address no longer works.")),
    "feed_revoke": ("revoke", agenda.revoke_feed_token, _l("Your calendar feed is switched off.")),
}, _feed_view)


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    from dialogue.core.ical import calendar_response

    user = agenda.user_for_feed(token)
    if user is None:
        abort(404)
    cal = agenda.feed_calendar(user)
    db.session.commit()  # last_used_at
    response = calendar_response(cal, "dialogue.ics")
    response.headers["Content-Disposition"] = 'inline; filename="dialogue.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


# The event's meetings page --------------------------------------------------------------------------

def participant_meetings(slug: str, *, required: bool = True, mode: MeetingMode | None = None):
    """The event and its meeting settings, for its participants; 404 when the event has no meetings
    (``required``) or they are not run in ``mode``."""
    event = get_event_or_404(slug, current_user)
    require_participant(event, current_user)
    settings = get_settings(event)
    if required and (settings is None or (mode is not None and settings.mode != mode)):
        abort(404)
    return event, settings


@bp.get("/events/<slug>/meetings")
@login_required
def event_home(slug: str):
    event, settings = participant_meetings(slug, required=False)
    side = side_of(confirmed_registration(event, current_user))
    meetings = agenda.my_meetings(current_user, event)
    sent, received = agenda.my_requests(current_user, event)
    return render_template("meetings/event_home.html", event=event, settings=settings, side=side,
                           meetings=meetings, sent=sent, received=received, now=utcnow(),
                           organiser=is_organiser(event, current_user), slots=list_slots(event) if settings else [])


@bp.get("/events/<slug>/meetings/buyers")
@login_required
def buyers(slug: str):
    event, settings = participant_meetings(slug)
    orgs = buyer_organisations(event)
    own = current_user.organisation.id if current_user.organisation else None
    intents = {org.id: requestable_intents(event, org.id) for org in orgs}
    people = {org.id: buyer_people(event, org.id) for org in orgs}
    return render_template("meetings/buyers.html", event=event, settings=settings, orgs=orgs, intents=intents,
                           people=people, own=own, side=side_of(confirmed_registration(event, current_user)))


# Self-booking -------------------------------------------------------------------------------------

def _booking_page(slug: str, buyer_id: int, form, read: _Read | None = None):
    """A buyer's calendar for the event's participants, in a handful of queries: both people's
    registrations at once, the organiser check only for someone not registered, the buyer's planned
    tenders and the event's slots kept. After a refused booking, from what the booking had ``read``
    (nothing of it changed: it wrote nothing)."""
    read = read or _read(slug, buyer_id)
    event, buyer, registrations, settings = read.event, read.buyer, read.registrations, read.settings
    if current_user.id not in registrations:
        require_participant(event, current_user)
    if settings is None or settings.mode != MeetingMode.SELF_BOOKING or buyer is None \
            or side_of(registrations.get(buyer_id)) != "buyer":
        abort(404)
    label = notify.time_labels(event.timezone, current_user.timezone)
    rows = [(slot, state, label(slot.starts_at))
            for slot, state in queries.booking_grid(event, buyer.id, current_user.id, utcnow())]
    intents = requestable_choices(event, buyer.organisation.id) if buyer.organisation else []
    form.intent.choices = choices([("", _("None: a general topic"))] + intents)
    form.slot.choices = choices((slot.id, text) for slot, state, text in rows if state == "free")
    return render_template("meetings/book_grid.html", event=event, buyer=buyer, rows=rows, form=form,
                           can_book=side_of(registrations.get(current_user.id)) == "supplier")


@dataclass(frozen=True)
class _Read:
    event: Event
    buyer: User | None
    registrations: dict[int, Registration]
    settings: MeetingSettings | None
    held: set[int] | None


def _read(slug: str, buyer_id: int, slot_id: int | None = None) -> _Read:
    """The event's booking page and a booking both need these: the event, its settings, both people's
    registrations and (for a booking) who of them is held in the chosen slot, in one statement; the
    buyer, with their organisation, is kept between requests as a signed-in person is."""
    found = queries.booking_read(slug, current_user.id, buyer_id, slot_id)
    event = visible_or_404(found.event if found else None, lambda event: is_organiser(event, current_user))
    return _Read(event, signed_in.person(buyer_id), found.registrations, found.settings, found.held)


@bp.route("/events/<slug>/meetings/book/<int:buyer_id>", methods=["GET", "POST"])
@login_required
def book(slug: str, buyer_id: int):
    """A buyer's calendar; a supplier picks a free time and books it (self-booking events).

    A booking reads the event, the buyer, both registrations and the settings once: the service checks
    who books whom (a refusal's NotAllowed / NotFound are the 403 / 404 pages) and a refused booking's
    page is built from the same rows. When many suppliers rush for the same times, this is the path
    they all take.
    """
    form = BookForm()
    if not form.is_submitted():
        return _booking_page(slug, buyer_id, form)
    read = _read(slug, buyer_id, form.slot.data)
    buyer = read.buyer
    if buyer is None:
        abort(404)
    name = buyer.name

    def book_it() -> int:
        # The id before the commit: reading it after would load the meeting again.
        return placement.book_slot(read.event, current_user, buyer, form.slot.data,
                                   intent_id=parse_id(form.intent.data), topic=form.topic.data or "",
                                   agenda=form.agenda.data or "", settings=read.settings,
                                   registrations=read.registrations, held=read.held).id

    return perform(book_it, to=lambda meeting_id: url_for("meetings.detail", meeting_id=meeting_id), form=form,
                   page=lambda: _booking_page(slug, buyer_id, form, read),
                   success=_("Meeting booked. You and %(name)s get an invitation for your calendars.", name=name))


# Availability and interests -----------------------------------------------------------------------

@bp.route("/events/<slug>/meetings/availability", methods=["GET", "POST"])
@login_required
def availability(slug: str):
    event, _settings = participant_meetings(slug)
    registration = confirmed_registration(event, current_user)
    side = side_of(registration)
    if side is None:
        abort(403, _("Only buyers, suppliers and resellers with a confirmed registration take part in meetings."))
    form = AvailabilityForm()
    slots = list_slots(event)
    form.slots.choices = slot_choices(slots, event)
    intents = requestable_intents(event, registration.organisation_id) if side == "buyer" else []
    form.intents.choices = choices((i.id, i.title) for i in intents)

    def page():
        return render_template("meetings/availability.html", event=event, form=form, side=side, intents=intents)

    if not form.is_submitted():
        busy = busy_slot_ids(event, current_user)
        form.slots.data = [s.id for s in slots if s.id not in busy]
        form.intents.data = sorted(interest_ids(event, current_user))
        return page(), form_status(form)

    def save() -> None:
        set_availability(event, current_user, form.slots.data or [])
        if side == "buyer":
            set_interests(event, current_user, form.intents.data or [])

    return perform(save, to=url_for("meetings.event_home", slug=slug), form=form, page=page,
                   success=_("Your availability is saved."))
