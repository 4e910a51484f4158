import pytest
from sqlalchemy import func, select

from dialogue.core.errors import NotFound
from dialogue.extensions import db
from dialogue.meetings import scheduler, scheduling
from dialogue.meetings.changes import get_meeting_for
from dialogue.meetings.requests import create_request
from dialogue.meetings.scheduler import Fixed, Instance, Request, Slot, Table
from dialogue.meetings.services import user_ids_with_meetings
from dialogue.models import Meeting, MeetingMode, MeetingStatus, RequestStatus, RunStatus


def _instance(requests, *, tables=2, slots=4, busy=None, fixed=(), cap_supplier=None, cap_buyer=None):
    return Instance(slots=[Slot(id=i + 1, block=0, index=i) for i in range(slots)],
                    tables=[Table(id=100 + i, capacity=4) for i in range(tables)] if tables else None,
                    requests=requests, busy=busy or {}, fixed=list(fixed), cap_supplier=cap_supplier,
                    cap_buyer=cap_buyer)


def _valid(inst, result):
    by_id = {r.id: r for r in inst.requests}
    held, tables = set(), set()
    for f in inst.fixed:
        held |= {(p, f.slot) for p in f.buyers + f.suppliers}
        tables.add((f.table, f.slot))
    for p in result.placements:
        r = by_id[p.request]
        for person in r.people:
            assert (person, p.slot) not in held
            assert p.slot not in inst.busy.get(person, set())
            held.add((person, p.slot))
        if inst.tables is not None:
            assert (p.table, p.slot) not in tables
            tables.add((p.table, p.slot))


def test_solver_beats_first_come_and_proves_its_bound():
    # Buyer 1 is free in slot 1 only for supplier 11, but first-come puts supplier 12 there.
    requests = [Request(id=1, supplier=2, buyers=(1,), suppliers=(12,), order=0),
                Request(id=2, supplier=1, buyers=(1,), suppliers=(11,), order=1)]
    inst = _instance(requests, slots=2, busy={11: {2}})
    assert len(scheduler.greedy(inst, first_come=True)) == 1
    result = scheduler.solve(inst, 5)
    assert result.placed == 2 and result.status == "OPTIMAL" and result.gap == 0
    assert result.bound == result.objective
    _valid(inst, result)


def test_unplaced_requests_say_why():
    requests = [Request(id=1, supplier=1, buyers=(1,), suppliers=(11,), weight=10),
                Request(id=2, supplier=1, buyers=(2,), suppliers=(12,), weight=5),   # supplier cap 1
                Request(id=3, supplier=3, buyers=(3,), suppliers=(13,)),             # never free together
                Request(id=4, supplier=4, buyers=(4,), suppliers=(14,), weight=8),
                Request(id=5, supplier=5, buyers=(5,), suppliers=(15,), weight=6)]   # two tables, one slot
    inst = _instance(requests, tables=2, slots=1, busy={13: {1}}, cap_supplier=1)
    result = scheduler.solve(inst, 5)
    assert sorted(p.request for p in result.placements) == [1, 4]
    assert result.unplaced == {2: scheduler.REASON_SUPPLIER_CAP, 3: scheduler.REASON_NO_COMMON_SLOT,
                               5: scheduler.REASON_NO_TABLE}
    _valid(inst, result)


def test_fixed_meetings_stay_and_idle_gaps_close():
    fixed = [Fixed(slot=1, table=100, supplier=9, buyers=(1,), suppliers=(19,))]
    requests = [Request(id=1, supplier=1, buyers=(1,), suppliers=(11,)),
                Request(id=2, supplier=2, buyers=(1,), suppliers=(12,))]
    inst = _instance(requests, tables=1, slots=4, fixed=fixed, busy={11: {2}})
    result = scheduler.solve(inst, 5)
    assert result.placed == 2 and all(p.slot != 1 for p in result.placements)
    # Buyer 1 is held in slot 1; slots 2 and 3 follow on without a gap (slot 4 would leave one).
    assert sorted(p.slot for p in result.placements) == [2, 3] and result.idle_slots == 0
    _valid(inst, result)


def test_random_instances_stay_valid():
    import random

    rng = random.Random(3)
    requests = [Request(id=i, supplier=rng.randint(1, 8), buyers=tuple(rng.sample(range(1, 6), rng.randint(1, 2))),
                        suppliers=(100 + rng.randint(1, 8),), weight=rng.randint(4, 10), order=i) for i in range(40)]
    inst = _instance(requests, tables=3, slots=6, cap_supplier=3, cap_buyer=4,
                     busy={p: set(rng.sample(range(1, 7), 2)) for p in range(1, 6)})
    result = scheduler.solve(inst, 5)
    _valid(inst, result)
    assert result.objective <= result.bound
    assert result.placed >= len(scheduler.greedy(inst, first_come=True))
    assert set(result.unplaced) | {p.request for p in result.placements} == {r.id for r in requests}


def _organiser_world(world):
    w = world
    w.settings.mode = MeetingMode.ORGANISER
    db.session.commit()
    requests = []
    for supplier, org in ((w.s1, w.buyer_org), (w.s3, w.buyer_org), (w.s1, w.cohost_org)):
        requests.append(create_request(w.event, supplier, buyer_org_id=org.id, intent_id=None,
                                                topic="Phones", agenda="", preferred_slot_ids=[]))
    db.session.commit()
    return requests


def test_run_locks_and_publish(world, outbox):
    w = world
    requests = _organiser_world(w)
    run = scheduling.start_run(w.event, w.organiser, 5)
    db.session.commit()
    run = scheduling.execute_run(run.id)
    assert run.status == RunStatus.DONE and run.report["placed"] == 3 and run.report["gap"] == 0
    drafts = list(db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.PROPOSED)))
    assert len(drafts) == 3 and not outbox("meetings.invitation")
    # Nobody sees a draft yet.
    with pytest.raises(NotFound):
        get_meeting_for(drafts[0].id, w.s1)
    keep = drafts[0]
    scheduling.set_locked(keep, True)
    kept_slot = keep.slot_id
    db.session.commit()
    run = scheduling.start_run(w.event, w.organiser, 5)
    db.session.commit()
    scheduling.execute_run(run.id)
    assert db.session.get(Meeting, keep.id).slot_id == kept_slot
    assert db.session.scalar(select(func.count(Meeting.id))) == 3
    assert scheduling.publish(w.event, w.organiser) == 3
    db.session.commit()
    assert all(r.status == RequestStatus.ACCEPTED for r in requests)
    # One invitation per person per meeting: 3 + 3 people with Malmö (two buyers), 2 with Oslo.
    assert len(outbox("meetings.invitation")) == 8
    assert user_ids_with_meetings(w.event) >= {w.s1.id, w.s3.id}


def test_schedule_command_and_page(world, runner, client, auth):
    w = world
    _organiser_world(w)
    result = runner.invoke(args=["meetings", "schedule", w.event.slug, "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    assert "placed 3 of 3 requests" in result.output and "proven upper bound" in result.output
    auth.login(w.organiser)
    page = client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
    assert "Best score any schedule could reach" in page and "Distance from the best possible" in page
    response = client.post(f"/events/{w.event.slug}/meetings/schedule", data={"time_limit": "2"})
    assert response.status_code == 303
    db.session.expire_all()
    assert scheduling.latest_run(w.event).status == RunStatus.DONE
    preview = client.get(f"/events/{w.event.slug}/meetings/preview").get_data(as_text=True)
    assert "Publish 3 draft meetings" in preview and "Table 1" in preview
    assert client.post(f"/events/{w.event.slug}/meetings/publish").status_code == 303
    sheets = client.get(f"/events/{w.event.slug}/meetings/sheets/tables").get_data(as_text=True)
    assert "print-sheet" in sheets and "Circular Computing" in sheets
