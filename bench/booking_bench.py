"""Booking benchmark: 500 simultaneous self-booking attempts on 40 slots, through gunicorn, on PostgreSQL.

    python3 bench/booking_bench.py [--attempts 500] [--slots 40] [--races 3] [--workers N] [--threads N]
                                   [--sync] [--database dlg_booking_bench] [--pg postgresql://postgres@127.0.0.1:5432]

Creates its own database (dropped and made again), applies the migrations, seeds two self-booking
events (the race: one buyer's calendar of 40 ten-minute slots; and a second event with a slot for
every attempt) with 520 suppliers registered at both, starts gunicorn with the production settings
(dialogue/gunicorn_conf.py) and measures, from one thread per attempt with a real session cookie and
CSRF token each:

1. one at a time on the idle server: 20 bookings, one after the other (the issue's "uncontended");
2. 500 bookings at once, each on its own slot of the second event: the same load, no competition;
3. the race: 500 bookings at once, each on a random one of the 40 slots; run ``--races`` times (3 by
   default) on the same server, the calendar emptied in between, so one run shows how much the
   rate moves.

After each race it counts double bookings in the database (goal 0); it prints answers by kind,
latency (p50/p95), bookings answered per second, and how busy the machine's cores were (and how much
of it was this load generator, which shares the machine). Never run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "dlg_booking_bench"
SECRET = "booking-bench-secret"
AGENT = "booking-bench"  # every attempt's User-Agent, part of the signed-in session's identifier


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_database(pg: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{pg}/postgres".replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{pg}/{name}"


@dataclass
class Seeded:
    slug: str             # the race: one buyer's calendar of ``slots`` slots
    slots: list[int]
    own_slug: str         # a second event with a slot for every attempt, so none compete
    own_slots: list[int]
    buyers: list[int]     # [the contended buyer, the buyer of the second event]
    clients: list[tuple[int, str, str]]  # (supplier id, session cookie, CSRF token)


def seed(url: str, attempts: int, slots: int) -> Seeded:
    """Schema by the migrations, then two self-booking events with ``attempts`` + 20 suppliers each."""
    import flask_migrate
    from flask import g, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from dialogue import create_app
    from dialogue.auth.services import hash_password
    from dialogue.extensions import db
    from dialogue.meetings import setup
    from dialogue.models import (
        Event,
        EventCoHost,
        EventStatus,
        MeetingMode,
        Membership,
        Organisation,
        OrganisationKind,
        ParticipantRole,
        Registration,
        RegistrationState,
        User,
        utcnow,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "TESTING": False})
    with app.app_context():
        flask_migrate.upgrade()
        pw = hash_password("bench password 123")
        start = (utcnow() + dt.timedelta(days=10)).replace(hour=6, minute=0, second=0, microsecond=0)
        host = Organisation(name="Bench City", slug="bench-city", kind=OrganisationKind.PUBLIC_BUYER, country="FI")
        days = (attempts + 20) // 100 + 1  # the second event: 100 five-minute slots a day
        events = [Event(slug=slug, title=slug, timezone="UTC", starts_at=start, status=EventStatus.PUBLISHED,
                        ends_at=start + dt.timedelta(days=length - 1, hours=12), languages=["en"])
                  for slug, length in (("booking-bench", 1), ("booking-bench-own-slots", days))]
        for event in events:
            event.cohosts.append(EventCoHost(organisation=host))
        db.session.add_all([host, *events])
        people = []

        def person(n, org, role, at):
            user = User(email=f"bench{n}@example.org", name=f"Bench {n}", password_hash=pw,
                        email_verified_at=utcnow(), timezone="UTC")
            db.session.add_all([user, Membership(user=user, organisation=org)])
            db.session.add_all([Registration(event=event, user=user, organisation=org, role=role,
                                             state=RegistrationState.CONFIRMED, confirmed_at=utcnow())
                                for event in at])
            return user

        buyers = [person(f"buyer{i}", host, ParticipantRole.BUYER, [event]) for i, event in enumerate(events)]
        for n in range(attempts + 20):
            org = Organisation(name=f"Supplier {n}", slug=f"supplier-{n}", kind=OrganisationKind.SUPPLIER,
                               country="FI")
            people.append(person(n, org, ParticipantRole.SUPPLIER, events))
        db.session.flush()
        for event, minutes, count in ((events[0], 10, slots), (events[1], 5, 100)):
            settings = setup.ensure_settings(event)
            settings.mode = MeetingMode.SELF_BOOKING
            settings.slot_minutes, settings.break_minutes = minutes, 0
            end = (dt.datetime(2000, 1, 1, 7) + dt.timedelta(minutes=minutes * count)).time()
            for day in range((event.ends_at - event.starts_at).days + 1):
                setup.add_block(event, start.date() + dt.timedelta(days=day), dt.time(7, 0), end)
            setup.add_locations(event, label="Table", count=40, capacity=4, kind="table")
        db.session.commit()
        slot_ids = [[s.id for s in setup.list_slots(event)] for event in events]
        serializer = app.session_interface.get_signing_serializer(app)
        clients = []
        for user in people:
            # The session a real sign-in from this client makes: with Flask-Login's identifier of the
            # client's address and browser, so the server has no reason to rewrite the cookie.
            with app.test_request_context(headers={"User-Agent": AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                g.pop("csrf_token", None)  # generate_csrf caches on g, which outlives this request context
                login_user(user, fresh=True)
                token = generate_csrf()
                clients.append((user.id, serializer.dumps(dict(session)), token))
        return Seeded(events[0].slug, slot_ids[0], events[1].slug, slot_ids[1], [b.id for b in buyers], clients)


def book(port: int, slug: str, buyer_id: int, slot_id: int, cookie: str, token: str, host: str = "127.0.0.1"):
    body = urllib.parse.urlencode({"slot": slot_id, "topic": "Bench", "csrf_token": token})
    conn = http.client.HTTPConnection(host, port, timeout=120)
    started = time.perf_counter()
    conn.request("POST", f"/events/{slug}/meetings/book/{buyer_id}", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}", "User-Agent": AGENT,
        "Referer": f"http://{host}:{port}/events/{slug}/meetings/book/{buyer_id}"})
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status == 303 and "/meetings/" in (response.getheader("Location") or ""):
        return "booked", elapsed
    if response.status == 409 and "just taken" in text:
        return "slot just taken", elapsed
    if os.environ.get("BENCH_DEBUG"):
        print(response.status, text[:2000])
    return f"error {response.status}", elapsed


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cpu_times() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def process_cpu(server: int, database: str) -> tuple[float, float]:
    """CPU seconds used so far by the gunicorn server (``server``'s pid and its workers) and by the
    PostgreSQL backends serving ``database`` (their process title names it)."""
    web = db = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            title = (stat.parent / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        rest = text[text.rindex(")") + 2:].split()
        used = int(rest[11]) + int(rest[12])
        if int(stat.parent.name) == server or int(rest[1]) == server:
            web += used
        elif title.startswith("postgres:") and f" {database} " in title:
            db += used
    return web / os.sysconf("SC_CLK_TCK"), db / os.sysconf("SC_CLK_TCK")


def burst(port: int, server: int, database: str, attempts: list[tuple[str, int, int, str, str]]) -> dict:
    """Fire every (slug, buyer, slot, cookie, token) at once from its own thread; answers, latencies,
    wall time, and how busy the machine and this load generator were meanwhile."""
    barrier = threading.Barrier(len(attempts) + 1)
    results: list = [None] * len(attempts)

    def attempt(i):
        slug, buyer, slot, cookie, token = attempts[i]
        barrier.wait()
        try:
            results[i] = book(port, slug, buyer, slot, cookie, token)
        except Exception as exc:  # noqa: BLE001
            results[i] = (f"error {exc.__class__.__name__}", 0.0)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))]
    for t in threads:
        t.start()
    busy0, total0 = cpu_times()
    own0 = time.process_time()
    web0, db0 = process_cpu(server, database)
    started = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    busy1, total1 = cpu_times()
    web1, db1 = process_cpu(server, database)
    web, database = web1 - web0, db1 - db0
    kinds: dict[str, int] = {}
    for outcome, _ in results:
        kinds[outcome] = kinds.get(outcome, 0) + 1
    cores = os.cpu_count() or 1
    return {"kinds": kinds, "latencies": [e for _, e in results if e], "wall": wall,
            "machine": (busy1 - busy0) / max(1, total1 - total0) * cores,
            "client": (time.process_time() - own0) / wall,
            "web_ms": web / len(attempts) * 1000, "db_ms": database / len(attempts) * 1000}


def describe(name: str, run: dict) -> None:
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(run["kinds"].items()))
    lat = run["latencies"]
    print(f"{name}: {len(lat)} answers in {run['wall']:.2f} s = {len(lat) / run['wall']:.0f} bookings/s; "
          f"p50 {statistics.median(lat) * 1000:.0f} ms, p95 {pct(lat, 95) * 1000:.0f} ms; {answers}; "
          f"cores busy {run['machine']:.2f} (load generator {run['client']:.2f}); CPU per booking: "
          f"gunicorn {run['web_ms']:.1f} ms, PostgreSQL {run['db_ms']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--slots", type=int, default=40)
    parser.add_argument("--races", type=int, default=3, help="how many times to run the race")
    parser.add_argument("--workers", type=int, help="gunicorn processes (default: dialogue/gunicorn_conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per process (default: dialogue/gunicorn_conf.py's)")
    parser.add_argument("--sync", action="store_true", help="serve with sync workers instead (the old setting)")
    parser.add_argument("--database", default=DB_NAME, help="the database to (re)create")
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    args = parser.parse_args()
    url = make_database(args.pg, args.database)
    seeded = seed(url, args.attempts, args.slots)
    print(f"seeded {args.database}: {len(seeded.slots)} contended slots, {len(seeded.own_slots)} slots for "
          f"bookings each on its own slot, {len(seeded.clients)} suppliers")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0", "GUNICORN_BIND": f"127.0.0.1:{port}"}
    command = [sys.executable, "-m", "gunicorn", "--config", "python:dialogue.gunicorn_conf", "--log-level",
               "warning"]
    if args.sync:
        command += ["--worker-class", "sync", "--threads", "1"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads and not args.sync:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env=env)
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    n = args.attempts
    clients = seeded.clients
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # 1. One at a time on the idle server: the "uncontended booking".
        alone = []
        for i, (_uid, cookie, token) in enumerate(clients[n:n + 20]):
            outcome, elapsed = book(port, seeded.own_slug, seeded.buyers[1], seeded.own_slots[n + i], cookie, token)
            assert outcome == "booked", outcome
            alone.append(elapsed)
        time.sleep(1)
        # 2. The same number of simultaneous bookings, each on a slot nobody else wants: the same load
        # on the server, no two bookings competing for a slot.
        own = burst(port, server.pid, args.database,
                    [(seeded.own_slug, seeded.buyers[1], seeded.own_slots[i], cookie, token)
                     for i, (_uid, cookie, token) in enumerate(clients[:n])])
        time.sleep(1)
        # 3. The race: every attempt on one of the contended buyer's slots, at random; the calendar is
        # emptied between races (the app reads who holds a slot afresh on every attempt).
        rng = random.Random(1)
        races = []
        for number in range(args.races):
            if number:
                empty_calendar(engine, seeded.slug)
                time.sleep(1)
            races.append(burst(port, server.pid, args.database,
                               [(seeded.slug, seeded.buyers[0], rng.choice(seeded.slots), cookie, token)
                                for _uid, cookie, token in clients[:n]]))
            races[-1]["doubles"] = double_bookings(engine)
            races[-1]["held"] = buyer_meetings(engine, seeded.buyers[0])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    with engine.connect() as conn:
        mails = conn.execute(text("SELECT count(*) FROM outbox_messages")).scalar()
    engine.dispose()
    setting = ("sync workers" if args.sync else "gthread") + f", workers {args.workers or 'as configured'}"
    print(f"gunicorn --config python:dialogue.gunicorn_conf ({setting}); {os.cpu_count()} cores")
    for number, race in enumerate(races, 1):
        describe(f"race {number}, {n} on {len(seeded.slots)} slots", race)
    describe(f"{n} at once, each own slot  ", own)
    print(f"one at a time, idle server : p50 {statistics.median(alone) * 1000:.0f} ms, "
          f"p95 {pct(alone, 95) * 1000:.0f} ms")
    print(f"meetings in the contended buyer's calendar after each race: {[r['held'] for r in races]} of "
          f"{len(seeded.slots)} slots; invitations in the outbox: {mails}")
    people, tables = (sum(r["doubles"][k] for r in races) for k in (0, 1))
    print(f"double bookings: {people} person/slot, {tables} table/slot over all races (goal 0)")
    errors = sum(v for run in (*races, own) for k, v in run["kinds"].items() if k.startswith("error"))
    print(f"errors: {errors}")
    for number, race in enumerate(races, 1):
        p95 = pct(race["latencies"], 95)
        print(f"race {number}: p95 / p95 of {n} at once each on its own slot: "
              f"{p95 / pct(own['latencies'], 95):.2f} (goal <= 3); p95 / p95 one at a time on the idle server: "
              f"{p95 / pct(alone, 95):.1f} (the issue's wording)")
    rates = [len(race["latencies"]) / race["wall"] for race in races]
    print(f"race throughput: {', '.join(f'{rate:.0f}' for rate in rates)} bookings/s; "
          f"{sum(rate >= 150 for rate in rates)} of {len(rates)} races at >= 150 (goal)")


def double_bookings(engine) -> tuple[int, int]:
    """(a person twice in a slot, a table twice in a slot), over the whole database."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return (conn.execute(text(
            "SELECT count(*) FROM (SELECT user_id, slot_id FROM meeting_participants WHERE slot_id IS NOT NULL "
            "GROUP BY user_id, slot_id HAVING count(*) > 1) d")).scalar(),
            conn.execute(text(
                "SELECT count(*) FROM (SELECT location_id, slot_id FROM meetings WHERE status <> 'cancelled' "
                "AND location_id IS NOT NULL GROUP BY location_id, slot_id HAVING count(*) > 1) d")).scalar())


def buyer_meetings(engine, buyer_id: int) -> int:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM meeting_participants WHERE user_id = :b"),
                            {"b": buyer_id}).scalar()


def empty_calendar(engine, slug: str) -> None:
    """Remove the race event's meetings, for the next race."""
    from sqlalchemy import text

    with engine.begin() as conn:
        event = conn.execute(text("SELECT id FROM events WHERE slug = :s"), {"s": slug}).scalar()
        conn.execute(text("DELETE FROM meeting_participants WHERE meeting_id IN "
                          "(SELECT id FROM meetings WHERE event_id = :e)"), {"e": event})
        conn.execute(text("DELETE FROM meetings WHERE event_id = :e"), {"e": event})


if __name__ == "__main__":
    main()
