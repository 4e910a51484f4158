"""One scheduler run per event: held by the database, and a run whose process died does not block."""

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from dialogue.core.errors import Conflict
from dialogue.extensions import db
from dialogue.meetings import scheduler, scheduling
from dialogue.meetings.requests import create_request
from dialogue.models import Meeting, MeetingMode, RunStatus, ScheduleRun, utcnow


@pytest.fixture
def config_overrides():
    return {"MEETINGS_HEARTBEAT_SECONDS": 0.05, "MEETINGS_RUN_STALE_SECONDS": 60}


@pytest.fixture
def organiser_world(world):
    world.settings.mode = MeetingMode.ORGANISER
    db.session.commit()
    for supplier, org in ((world.s1, world.buyer_org), (world.s3, world.cohost_org)):
        create_request(world.event, supplier, buyer_org_id=org.id, intent_id=None, topic="Phones",
                                agenda="", preferred_slot_ids=[])
    db.session.commit()
    return world


def _age(run_id: int, **columns) -> None:
    db.session.execute(update(ScheduleRun).where(ScheduleRun.id == run_id).values(**columns))
    db.session.commit()


def test_a_second_start_while_one_runs_is_refused(organiser_world):
    w = organiser_world
    first = scheduling.start_run(w.event, w.organiser, 5)
    db.session.commit()
    with pytest.raises(Conflict, match="already running"):
        scheduling.start_run(w.event, w.organiser, 5)
    db.session.rollback()
    # Running, with an old start but a fresh heartbeat: alive, still refused.
    long_ago = utcnow() - dt.timedelta(hours=2)
    _age(first.id, status=RunStatus.RUNNING, created_at=long_ago, started_at=long_ago, heartbeat_at=utcnow())
    with pytest.raises(Conflict, match="already running"):
        scheduling.start_run(w.event, w.organiser, 5)
    db.session.rollback()
    assert db.session.scalar(select(func.count(ScheduleRun.id))) == 1


def test_a_run_whose_heartbeat_stopped_does_not_block(organiser_world):
    w = organiser_world
    dead = scheduling.start_run(w.event, w.organiser, 600)
    db.session.commit()
    two_minutes_ago = utcnow() - dt.timedelta(minutes=2)
    _age(dead.id, status=RunStatus.RUNNING, started_at=two_minutes_ago, heartbeat_at=two_minutes_ago)
    run = scheduling.start_run(w.event, w.organiser, 5)
    db.session.commit()
    db.session.refresh(dead)
    assert dead.status == RunStatus.FAILED and dead.message == "stopped without finishing"
    assert run.status == RunStatus.QUEUED
    # A queued run that never started counts from its creation.
    _age(run.id, created_at=two_minutes_ago)
    third = scheduling.start_run(w.event, w.organiser, 5)
    db.session.commit()
    assert db.session.get(ScheduleRun, run.id).status == RunStatus.FAILED
    assert scheduling.execute_run(third.id).status == RunStatus.DONE
    # The run taken for dead cannot start late.
    assert scheduling.execute_run(run.id).status == RunStatus.FAILED


def test_the_database_refuses_a_second_active_run(organiser_world):
    w = organiser_world
    db.session.add(ScheduleRun(event_id=w.event.id, status=RunStatus.RUNNING, time_limit=5))
    db.session.commit()
    db.session.add(ScheduleRun(event_id=w.event.id, status=RunStatus.QUEUED, time_limit=5))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Finished runs are history: any number of them.
    db.session.add_all([ScheduleRun(event_id=w.event.id, status=status, time_limit=5)
                        for status in (RunStatus.DONE, RunStatus.DONE, RunStatus.FAILED)])
    db.session.commit()
    assert db.session.scalar(select(func.count(ScheduleRun.id))) == 4


def test_a_running_run_keeps_its_heartbeat_and_one_taken_for_dead_writes_nothing(organiser_world, monkeypatch):
    w = organiser_world
    real_solve = scheduler.solve
    seen = {}

    def slow_solve(inst, time_limit, **kwargs):
        result = real_solve(inst, time_limit, **kwargs)
        time.sleep(0.4)  # the heartbeat thread writes meanwhile, without any progress from the solver
        with db.engine.connect() as conn:
            seen["heartbeat"], seen["started"] = conn.execute(
                select(ScheduleRun.heartbeat_at, ScheduleRun.started_at).where(ScheduleRun.id == seen["run"])).one()
        if seen.get("kill"):
            # Meanwhile another start took this run for dead.
            with db.engine.begin() as conn:
                conn.execute(update(ScheduleRun).where(ScheduleRun.id == seen["run"])
                             .values(status=RunStatus.FAILED))
        return result

    monkeypatch.setattr(scheduler, "solve", slow_solve)
    run = scheduling.start_run(w.event, w.organiser, 1)
    db.session.commit()
    seen["run"] = run.id
    assert scheduling.execute_run(run.id).status == RunStatus.DONE
    assert seen["heartbeat"] - seen["started"] >= dt.timedelta(seconds=0.3)
    drafts = db.session.scalar(select(func.count(Meeting.id)))
    assert drafts == 2

    db.session.execute(Meeting.__table__.delete())
    db.session.commit()
    seen["kill"] = True
    run = scheduling.start_run(w.event, w.organiser, 1)
    db.session.commit()
    seen["run"] = run.id
    assert scheduling.execute_run(run.id).status == RunStatus.FAILED
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_the_page_shows_a_run_without_heartbeat_as_failed_not_running(client, auth, organiser_world):
    w = organiser_world
    dead = scheduling.start_run(w.event, w.organiser, 600)
    db.session.commit()
    auth.login(w.organiser)
    assert 'http-equiv="refresh"' in client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
    two_minutes_ago = utcnow() - dt.timedelta(minutes=2)
    _age(dead.id, status=RunStatus.RUNNING, started_at=two_minutes_ago, heartbeat_at=two_minutes_ago)
    page = client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page and "stopped without finishing" in page


def test_a_runs_messages_are_kept_by_source_and_shown_in_the_readers_language(client, auth, organiser_world):
    """The solver's lines and the run's result are written by a worker with no reader; each organiser
    reads them in their own language, the command line in the default one."""
    w = organiser_world
    run = scheduling.start_run(w.event, w.organiser, 2)
    db.session.commit()
    lines = []
    done = scheduling.execute_run(run.id, echo=lines.append)
    assert done.status == RunStatus.DONE and any("greedy start: " in line for line in lines)
    assert done.message == "2 meetings placed" and done.message_source["msgid"] == "%(num)s meeting placed"
    w.organiser.locale = "fi"
    db.session.commit()
    auth.login(w.organiser)
    # While it runs, the page shows the solver's latest line.
    _age(done.id, status=RunStatus.RUNNING, heartbeat_at=utcnow())
    scheduling._write_progress(done.id, 0.7, scheduler.ndeferred(
        "placed %(num)d meeting; closing idle gaps", "placed %(num)d meetings; closing idle gaps", 2))
    page = client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
    assert "2 tapaamista sijoitettu; tyhjiä välejä suljetaan" in page and "closing idle gaps" not in page
    # A run that failed says why in the reader's language.
    scheduling._write_progress(done.id, 0.7, scheduling.deferred("failed: %(error)s", error="MemoryError"))
    _age(done.id, status=RunStatus.FAILED)
    assert "epäonnistui: MemoryError" in client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
