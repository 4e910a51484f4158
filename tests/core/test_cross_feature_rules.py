"""Rules that hold where features meet, checked after every step of random sequences of user actions.

People of every kind register, cancel, are approved or rejected, erase their accounts, ask for and
accept meetings, book, move and cancel them, are checked in, and organisers schedule meetings or
cancel the whole event. After every step, on SQLite and on PostgreSQL:

- no event holds more confirmed people than it has places, in total or for a role;
- nobody waits while a place they could take is free (the waiting list moves first come, first served);
- no meeting, open request or place is held by a cancelled, rejected or erased participant;
- nobody and no table is in two meetings at once;
- everyone on the buyer side of a meeting belongs to a public buyer (or a network of buyers), or the
  organisers recorded an exception for them;
- every change people are told about has its mail in the outbox, and organisers' and the platform's
  own changes have their audit entry.

The CI profile keeps the run short; ``DIALOGUE_HYPOTHESIS_PROFILE=nightly`` explores far more.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from dialogue.core.errors import DialogueError
from dialogue.extensions import db
from dialogue.models import (
    ACTIVE_STATES,
    Attendance,
    AuditEntry,
    Event,
    EventCoHost,
    EventFormat,
    EventStaff,
    EventStatus,
    LocationKind,
    Meeting,
    MeetingMode,
    MeetingParticipant,
    MeetingRequest,
    MeetingSide,
    MeetingStatus,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    ParticipantRole,
    Registration,
    RegistrationState,
    RequestStatus,
    RoleCapacity,
    StaffRole,
    User,
    utcnow,
)
from tests.conftest import TEST_PASSWORD, _empty_tables, password_hash

BUYER_KINDS = (OrganisationKind.PUBLIC_BUYER, OrganisationKind.NETWORK)
OPEN_REQUEST = (RequestStatus.PENDING, RequestStatus.ACCEPTED)
LIVE_MEETING = (MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED)

# Who takes part: (organisation, kind, people).
CAST = (
    ("Helsinki", OrganisationKind.PUBLIC_BUYER, 2),
    ("Malmo", OrganisationKind.PUBLIC_BUYER, 1),
    ("Circular", OrganisationKind.SUPPLIER, 2),
    ("Dell", OrganisationKind.MANUFACTURER, 1),
    ("NordicIT", OrganisationKind.RESELLER, 1),
    ("EWatch", OrganisationKind.CIVIL_SOCIETY, 1),
)
PEOPLE = [f"{org}-{i}" for org, _kind, n in CAST for i in range(n)]
BUYERS = [p for p in PEOPLE if p.startswith(("Helsinki", "Malmo"))]
SUPPLIERS = [p for p in PEOPLE if p.startswith(("Circular", "Dell", "NordicIT"))]
ROLES = list(ParticipantRole)
# Mostly the role the person's organisation allows (None), sometimes any role: the rule must refuse.
ROLE_CHOICE = st.none() | st.none() | st.sampled_from(ROLES)
# Mostly someone of the side the action is for, sometimes anyone.
SOME_SUPPLIER = st.sampled_from(SUPPLIERS) | st.sampled_from(SUPPLIERS) | st.sampled_from(PEOPLE)
SOME_BUYER = st.sampled_from(BUYERS) | st.sampled_from(BUYERS) | st.sampled_from(PEOPLE)


class CrossFeatureRules(RuleBasedStateMachine):
    """One event 30 days ahead, its organiser, and people of every kind of organisation."""

    @initialize(mode=st.sampled_from([MeetingMode.REQUEST, MeetingMode.SELF_BOOKING, MeetingMode.ORGANISER]),
                moderated=st.booleans(), capacity=st.integers(6, 10), supplier_places=st.none() | st.integers(2, 3),
                order=st.permutations(PEOPLE), absent=st.integers(0, 4),
                hybrid=st.booleans(), online_places=st.none() | st.integers(1, 3),
                online=st.sets(st.sampled_from(PEOPLE)),
                asks=st.lists(st.tuples(st.sampled_from(SUPPLIERS), st.sampled_from(BUYERS), st.integers(0, 2)),
                              min_size=1, max_size=4))
    def build(self, mode, moderated, capacity, supplier_places, order, absent, hybrid, online_places, online, asks):
        from dialogue.meetings import setup

        db.session.rollback()
        _empty_tables()
        self.people: dict[str, int] = {}
        self.erased: set[int] = set()
        orgs = {}
        for name, kind, count in CAST:
            org = Organisation(name=name, slug=name.lower(), kind=kind, country="FI")
            db.session.add(org)
            orgs[name] = org
            for i in range(count):
                user = User(email=f"{name.lower()}{i}@example.org", name=f"{name} {i}", password_hash=password_hash(),
                            email_verified_at=utcnow())
                db.session.add(user)
                db.session.add(Membership(user=user, organisation=org, role=MemberRole.ADMIN if i == 0
                                          else MemberRole.MEMBER))
                db.session.flush()
                self.people[f"{name}-{i}"] = user.id
        host = Organisation(name="Forum secretariat", slug="forum", kind=OrganisationKind.PUBLIC_BUYER, country="FI")
        organiser = User(email="organiser@example.org", name="Olga Organiser", password_hash=password_hash(),
                         email_verified_at=utcnow())
        db.session.add_all([host, organiser, Membership(user=organiser, organisation=host)])
        start = (utcnow() + dt.timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
        event = Event(slug="forum", title="Nordic forum", summary="Market dialogue", timezone="Europe/Helsinki",
                      starts_at=start, ends_at=start + dt.timedelta(hours=9), status=EventStatus.PUBLISHED,
                      languages=["en"], capacity=capacity, moderated=moderated)
        if hybrid:  # in person and online, each with its own places and waiting list
            event.format, event.online_url, event.online_capacity = (EventFormat.HYBRID, "https://meet.example.org/f",
                                                                     online_places)
        db.session.add(event)
        event.cohosts.append(EventCoHost(organisation=host))
        event.staff.append(EventStaff(user=organiser, role=StaffRole.ORGANISER))
        if supplier_places is not None:
            db.session.add(RoleCapacity(event=event, role=ParticipantRole.SUPPLIER.value, capacity=supplier_places))
        db.session.flush()
        settings = setup.ensure_settings(event)
        settings.mode = mode
        day = start.astimezone(ZoneInfo(event.timezone)).date()
        setup.add_block(event, day, dt.time(13, 0), dt.time(14, 0))
        setup.add_locations(event, label="Table", count=2, capacity=4, kind=LocationKind.TABLE)
        db.session.commit()
        self.event_id, self.organiser_id = event.id, organiser.id
        self.slot_ids = [s.id for s in setup.list_slots(event)]
        # The buyers come first (their cities co-host), then most others in a random order; the rest later.
        for name in BUYERS + [p for p in order[absent:] if p not in BUYERS]:
            self.register(name, None, Attendance.ONLINE if name in online else Attendance.IN_PERSON)
        if moderated:  # the organisers approve the first wave; later registrations wait for a decision
            from dialogue.registrations.moderation import approve

            approve(event, list(db.session.scalars(select(Registration.id).where(
                Registration.state == RegistrationState.PENDING))), organiser)
            db.session.commit()
        for supplier, buyer, slot in asks:  # and some suppliers ask for meetings (or book) at once
            self.ask_for_a_meeting(supplier, buyer, [slot])

    # --- helpers -------------------------------------------------------------------------------------

    @property
    def event(self) -> Event:
        return db.session.get(Event, self.event_id)

    @property
    def organiser(self) -> User:
        return db.session.get(User, self.organiser_id)

    def slot(self, index: int) -> int:
        return self.slot_ids[index % len(self.slot_ids)]

    def user(self, name: str) -> User | None:
        uid = self.people[name]
        return None if uid in self.erased else db.session.get(User, uid)

    def active_registration(self, user: User) -> Registration | None:
        return db.session.scalar(select(Registration).where(
            Registration.event_id == self.event_id, Registration.user_id == user.id,
            Registration.state.in_(ACTIVE_STATES)))

    def attempt(self, action, *, tells: list[str] = (), audited: bool = False):
        """Run one user action as a request would: commit on success, roll back on a refusal.

        Returns what the action returned, or None when it was refused. ``tells``: addresses that
        must get a mail when it succeeds; ``audited``: an audit entry must be added.
        """
        step = sys._getframe(1).f_code.co_name
        mails_before = self._mail_counts()
        audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
        try:
            result = action()
            db.session.commit()
        except DialogueError:
            db.session.rollback()
            event(f"{step}: refused")  # --hypothesis-show-statistics shows how often each step ran
            return None
        event(f"{step}: done")
        mails_after = self._mail_counts()
        for address in tells:
            assert mails_after[address] > mails_before[address], f"no mail to {address}"
        if audited:
            assert db.session.scalar(select(func.count()).select_from(AuditEntry)) > audit_before, "no audit entry"
        return result if result is not None else True

    @staticmethod
    def _mail_counts() -> Counter:
        counts = Counter()
        for (recipients,) in db.session.execute(select(OutboxMessage.recipients)):
            counts.update(recipients)
        return counts

    def live_meetings_of(self, user_id: int) -> list[Meeting]:
        return list(db.session.scalars(select(Meeting).join(MeetingParticipant).where(
            Meeting.event_id == self.event_id, MeetingParticipant.user_id == user_id,
            Meeting.status.in_(LIVE_MEETING))))

    def _addresses_of(self, meetings: list[Meeting]) -> list[str]:
        return sorted({p.user.email for m in meetings for p in m.participants if p.user_id is not None
                       and m.status == MeetingStatus.CONFIRMED})

    # --- registrations -------------------------------------------------------------------------------

    @rule(name=st.sampled_from(PEOPLE), role=ROLE_CHOICE, attendance=st.sampled_from(list(Attendance)))
    def register(self, name, role, attendance):
        from dialogue.registrations.eligibility import default_role
        from dialogue.registrations.services import register

        user = self.user(name)
        if user is None:
            return
        role = role or default_role(user.organisation.kind)
        registration = self.attempt(lambda: register(self.event, user, role, consent=True, attendance=attendance),
                                    tells=[user.email])
        if registration is not None and role == ParticipantRole.BUYER:
            assert user.organisation.kind in BUYER_KINDS, "a non-buyer registered as a buyer"

    @rule(name=st.sampled_from(PEOPLE), by_organiser=st.booleans())
    def switch_attendance(self, name, by_organiser):
        from dialogue.registrations.attendance import switch_attendance

        user = self.user(name)
        registration = user and self.active_registration(user)
        if registration is None:
            return
        other = Attendance.IN_PERSON if registration.attendance == Attendance.ONLINE else Attendance.ONLINE
        self.attempt(lambda: switch_attendance(registration, other, self.organiser if by_organiser else user),
                     audited=True)

    @rule(name=st.sampled_from(PEOPLE))
    def cancel_own_registration(self, name):
        from dialogue.registrations.services import cancel_registration

        user = self.user(name)
        registration = user and self.active_registration(user)
        if registration is None:
            return
        others = [a for a in self._addresses_of(self.live_meetings_of(user.id)) if a != user.email]
        self.attempt(lambda: cancel_registration(registration, user), tells=[user.email, *others])

    @rule(data=st.data())
    def approve_pending(self, data):
        from dialogue.registrations.moderation import approve

        pending = list(db.session.scalars(select(Registration.id).where(
            Registration.event_id == self.event_id, Registration.state == RegistrationState.PENDING)))
        if not pending:
            return
        chosen = data.draw(st.lists(st.sampled_from(pending), min_size=1, unique=True))
        self.attempt(lambda: approve(self.event, chosen, self.organiser), audited=True)

    @rule(name=st.sampled_from(PEOPLE))
    def reject(self, name):
        from dialogue.registrations.moderation import reject

        user = self.user(name)
        registration = user and self.active_registration(user)
        if registration is None:
            return
        others = [a for a in self._addresses_of(self.live_meetings_of(user.id)) if a != user.email]
        self.attempt(lambda: reject(self.event, [registration.id], self.organiser, reason="Not a market actor"),
                     tells=[user.email, *others], audited=True)

    @rule(name=st.sampled_from(PEOPLE), role=st.sampled_from(ROLES), dice=st.integers(0, 3))
    def organiser_changes_role(self, name, role, dice):
        from dialogue.registrations.roles import change_role

        if dice:  # now and then
            return
        user = self.user(name)
        registration = user and self.active_registration(user)
        if registration is None:
            return
        self.attempt(lambda: change_role(registration, role, self.organiser, reason="Acts for the city"),
                     audited=True)

    @rule(name=st.sampled_from(PEOPLE))
    def erase_account(self, name):
        from dialogue.gdpr.services import erase_account

        user = self.user(name)
        if user is None:
            return
        others = [a for a in self._addresses_of(self.live_meetings_of(user.id)) if a != user.email]
        uid = user.id
        if self.attempt(lambda: erase_account(user, TEST_PASSWORD), tells=others) is not None:
            self.erased.add(uid)

    @rule(name=st.sampled_from(PEOPLE))
    def check_in(self, name):
        from dialogue.registrations.door import check_in

        user = self.user(name)
        registration = user and self.active_registration(user)
        if registration is None:
            return
        self.attempt(lambda: check_in(self.event, registration, self.organiser))

    @precondition(lambda self: self.event.status != EventStatus.CANCELLED)
    @rule(dice=st.integers(0, 5))
    def cancel_event(self, dice):
        from dialogue.events.lifecycle import change_status

        if dice:  # rarely: it ends everything else
            return

        people = [r.user.email for r in db.session.scalars(select(Registration).where(
            Registration.event_id == self.event_id, Registration.state.in_(ACTIVE_STATES),
            Registration.user_id.is_not(None)))]
        self.attempt(lambda: change_status(self.event, "cancel", reason="Venue lost", actor=self.organiser),
                     tells=people, audited=True)

    # --- meetings ------------------------------------------------------------------------------------

    @rule(supplier=SOME_SUPPLIER, buyer=SOME_BUYER, slots=st.lists(st.integers(0, 2), max_size=2, unique=True))
    def ask_for_a_meeting(self, supplier, buyer, slots):
        """A request to the buyer's organisation, or, where suppliers book directly, a booking."""
        from dialogue.meetings.people import get_settings
        from dialogue.meetings.placement import book_slot
        from dialogue.meetings.requests import create_request

        s, b = self.user(supplier), self.user(buyer)
        if s is None or b is None:
            return
        if get_settings(self.event).mode == MeetingMode.SELF_BOOKING:
            self.attempt(lambda: book_slot(self.event, s, b, self.slot(slots[0] if slots else 0), topic="Repair"))
        else:
            self.attempt(lambda: create_request(self.event, s, buyer_org_id=b.organisation.id, intent_id=None,
                                                topic="Take-back", agenda="",
                                                preferred_slot_ids=[self.slot(i) for i in slots]))

    @rule(data=st.data(), stranger=st.sampled_from(PEOPLE), slot=st.integers(0, 2), publish=st.booleans())
    def answer_requests(self, data, stranger, slot, publish):
        """A buyer accepts a request, or, where the organisers schedule, the scheduler places them all."""
        from dialogue.meetings import scheduling
        from dialogue.meetings.people import get_settings
        from dialogue.meetings.requests import accept_request

        if get_settings(self.event).mode == MeetingMode.ORGANISER:
            run = self.attempt(lambda: scheduling.start_run(self.event, self.organiser, 2))
            if run is not None:
                scheduling.execute_run(run.id)
                if publish:
                    self.attempt(lambda: scheduling.publish(self.event, self.organiser), audited=True)
            return
        pending = list(db.session.scalars(select(MeetingRequest).where(
            MeetingRequest.event_id == self.event_id, MeetingRequest.status == RequestStatus.PENDING)))
        if not pending:
            return
        request = data.draw(st.sampled_from(pending))
        # Mostly a buyer of the organisation asked, sometimes anyone: the rule must refuse them.
        own = [p for p in BUYERS if p.startswith(request.buyer_org.name)]
        user = self.user(data.draw(st.sampled_from(own) | st.sampled_from(own) | st.just(stranger)))
        if user is not None:
            self.attempt(lambda: accept_request(request, user, slot_id=self.slot(slot)))

    @rule(data=st.data(), slot=st.integers(0, 2))
    def move_meeting(self, data, slot):
        from dialogue.meetings.changes import move_meeting

        meetings = list(db.session.scalars(select(Meeting).where(Meeting.event_id == self.event_id,
                                                                 Meeting.status.in_(LIVE_MEETING))))
        if not meetings:
            return
        meeting = data.draw(st.sampled_from(meetings))
        self.attempt(lambda: move_meeting(meeting, self.slot(slot), self.organiser))

    @rule(data=st.data(), by_organiser=st.booleans())
    def cancel_meeting(self, data, by_organiser):
        from dialogue.meetings.changes import cancel_meeting

        meetings = list(db.session.scalars(select(Meeting).where(Meeting.event_id == self.event_id,
                                                                 Meeting.status == MeetingStatus.CONFIRMED)))
        if not meetings:
            return
        meeting = data.draw(st.sampled_from(meetings))
        people = [p.user for p in meeting.participants if p.user_id is not None]
        actor = self.organiser if by_organiser or not people else people[0]
        self.attempt(lambda: cancel_meeting(meeting, actor, "Clash"), tells=[p.email for p in people])

    # --- the rules -----------------------------------------------------------------------------------

    def _registrations(self) -> list[Registration]:
        return list(db.session.scalars(select(Registration).where(Registration.event_id == self.event_id)))

    @invariant()
    def capacity_is_never_exceeded(self):
        from dialogue.registrations.services import places

        event = self.event
        state = places(event)
        confirmed = sum(state.confirmed.values())
        # At a hybrid event the capacity is that of the people in person (checked below).
        assert event.capacity is None or event.format == EventFormat.HYBRID or confirmed <= event.capacity
        for role, limit in state.per_role.items():
            assert state.confirmed.get(role, 0) <= limit, f"{role} over its {limit} places"
        if event.format == EventFormat.HYBRID:  # each way of taking part within its own places, counted here
            confirmed = Counter(r.attendance or Attendance.IN_PERSON for r in self._registrations()
                                if r.state == RegistrationState.CONFIRMED)
            assert event.capacity is None or confirmed[Attendance.IN_PERSON] <= event.capacity, "in person over"
            assert event.online_capacity is None or confirmed[Attendance.ONLINE] <= event.online_capacity, \
                "online over"

    @invariant()
    def only_those_in_person_are_checked_in(self):
        if self.event.format == EventFormat.HYBRID:
            assert not [r for r in self._registrations()
                        if r.checked_in_at is not None and r.attendance == Attendance.ONLINE], "online at the door"

    @invariant()
    def nobody_waits_for_a_free_place(self):
        from dialogue.registrations.services import mode_of, places

        event = self.event
        if event.status not in (EventStatus.PUBLISHED, EventStatus.REGISTRATION_CLOSED):
            return
        state = places(event)
        for registration in self._registrations():
            if registration.state == RegistrationState.WAITLISTED:
                assert not state.has_place(registration.role.value, mode_of(registration)), \
                    f"{registration.role} waits while a place is free"

    @invariant()
    def erased_people_hold_nothing(self):
        for registration in self._registrations():
            if registration.user_id is None:
                assert registration.state not in ACTIVE_STATES, "an erased account holds a place"

    @invariant()
    def meetings_and_requests_belong_to_confirmed_participants(self):
        confirmed = {r.user_id for r in self._registrations() if r.state == RegistrationState.CONFIRMED}
        for meeting in db.session.scalars(select(Meeting).where(Meeting.event_id == self.event_id,
                                                                Meeting.status.in_(LIVE_MEETING))):
            assert self.event.status != EventStatus.CANCELLED, "a meeting survives the event's cancellation"
            for participant in meeting.participants:
                assert participant.user_id in confirmed, "a meeting is held by someone no longer registered"
        for request in db.session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == self.event_id,
                                                                       MeetingRequest.status.in_(OPEN_REQUEST))):
            if request.status == RequestStatus.PENDING:
                assert request.requester_id in confirmed, "an open request of someone no longer registered"
                for attendee in request.attendees:
                    assert attendee.user_id in confirmed, "an open request names someone no longer registered"
            else:  # accepted: it lives on in its meeting, whose people are checked above
                assert request.meeting is not None and request.meeting.status in LIVE_MEETING, \
                    "an accepted request whose meeting is gone"

    @invariant()
    def nobody_and_no_table_in_two_meetings_at_once(self):
        rows = db.session.execute(
            select(Meeting.slot_id, Meeting.location_id, MeetingParticipant.user_id)
            .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
            .where(Meeting.event_id == self.event_id, Meeting.status.in_(LIVE_MEETING))).all()
        people = Counter((slot, user) for slot, _loc, user in rows if user is not None)
        assert all(n == 1 for n in people.values()), "someone is in two meetings at once"
        tables = db.session.execute(
            select(Meeting.slot_id, Meeting.location_id).where(Meeting.event_id == self.event_id,
                                                               Meeting.status.in_(LIVE_MEETING),
                                                               Meeting.location_id.is_not(None))).all()
        assert len(tables) == len(set(tables)), "a table holds two meetings at once"

    @invariant()
    def buyers_are_public_buyers_or_excepted(self):
        from dialogue.registrations.eligibility import is_eligible_buyer

        for registration in self._registrations():
            if registration.state == RegistrationState.CONFIRMED and registration.role == ParticipantRole.BUYER:
                assert is_eligible_buyer(registration), "a buyer outside the rule without an exception"
        buyer_side = db.session.execute(
            select(MeetingParticipant.user_id).join(Meeting)
            .where(Meeting.event_id == self.event_id, Meeting.status.in_(LIVE_MEETING),
                   MeetingParticipant.side == MeetingSide.BUYER)).scalars()
        eligible = {r.user_id for r in self._registrations() if is_eligible_buyer(r)}
        for user_id in buyer_side:
            assert user_id in eligible, "someone who may not act as a buyer sits on the buyer side of a meeting"


# Sized for CI (both databases, within the suite's budget); the nightly profile explores far more.
PROFILES = {
    "ci": settings(max_examples=25, stateful_step_count=30, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    "nightly": settings(max_examples=400, stateful_step_count=60, deadline=None,
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
}


def test_rules_hold_across_features(app):
    profile = os.environ.get("DIALOGUE_HYPOTHESIS_PROFILE", "ci")
    run_state_machine_as_test(CrossFeatureRules, settings=PROFILES[profile])
