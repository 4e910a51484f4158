"""Booking benchmark: 500 concurrent self-booking attempts on 40 slots, through gunicorn, on PostgreSQL.

    python3 bench/booking_bench.py [--attempts 500] [--slots 40] [--workers 2]
                                   [--pg postgresql://postgres@127.0.0.1:5432]

Creates its own database (dlg_booking_bench, dropped and made again), applies the migrations,
seeds one self-booking event with a buyer whose calendar has 40 slots and 500 suppliers, starts
gunicorn with 2 workers and fires the attempts at once from 500 threads, each booking a random
slot as a signed-in supplier (real session cookie and CSRF token). Then it counts double bookings
in the database (must be 0), answers by kind, and latency (p50/p95) beside uncontended bookings
(one at a time, on a second buyer). Never run by the test suite.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "dlg_booking_bench"
SECRET = "booking-bench-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_database(pg: str) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{pg}/postgres".replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return f"{pg}/{DB_NAME}"


def seed(url: str, attempts: int, slots: int):
    """Schema by the migrations, then an event, two buyers, ``attempts`` + 20 suppliers. Returns
    (slug, buyer ids, [(supplier id, session cookie, csrf token)], slot ids)."""
    import flask_migrate
    from flask import g, session
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
        event = Event(slug="booking-bench", title="Booking bench", timezone="UTC", starts_at=start,
                      ends_at=start + dt.timedelta(hours=12), status=EventStatus.PUBLISHED, languages=["en"])
        event.cohosts.append(EventCoHost(organisation=host))
        db.session.add_all([host, event])
        people = []

        def person(n, org, role):
            user = User(email=f"bench{n}@example.org", name=f"Bench {n}", password_hash=pw,
                        email_verified_at=utcnow(), timezone="UTC")
            db.session.add_all([user, Membership(user=user, organisation=org),
                                Registration(event=event, user=user, organisation=org, role=role,
                                             state=RegistrationState.CONFIRMED, confirmed_at=utcnow())])
            return user

        buyers = [person(f"buyer{i}", host, ParticipantRole.BUYER) for i in range(2)]
        for n in range(attempts + 20):
            org = Organisation(name=f"Supplier {n}", slug=f"supplier-{n}", kind=OrganisationKind.SUPPLIER,
                               country="FI")
            people.append(person(n, org, ParticipantRole.SUPPLIER))
        db.session.flush()
        settings = setup.ensure_settings(event)
        settings.mode = MeetingMode.SELF_BOOKING
        settings.slot_minutes, settings.break_minutes = 10, 0
        setup.add_block(event, start.date(), dt.time(7, 0), (dt.datetime(2000, 1, 1, 7) +
                                                              dt.timedelta(minutes=10 * slots)).time())
        setup.add_locations(event, label="Table", count=40, capacity=4, kind="table")
        db.session.commit()
        slot_ids = [s.id for s in setup.list_slots(event)]
        serializer = app.session_interface.get_signing_serializer(app)
        clients = []
        for user in people:
            with app.test_request_context():
                g.pop("csrf_token", None)  # generate_csrf caches on g, which outlives this request context
                token = generate_csrf()
                data = dict(session)
                data.update({"_user_id": user.get_id(), "_fresh": True})
                clients.append((user.id, serializer.dumps(data), token))
        return event.slug, [b.id for b in buyers], clients, slot_ids


def book(port: int, slug: str, buyer_id: int, slot_id: int, cookie: str, token: str, host: str = "127.0.0.1"):
    body = urllib.parse.urlencode({"slot": slot_id, "topic": "Bench", "csrf_token": token})
    conn = http.client.HTTPConnection(host, port, timeout=120)
    started = time.perf_counter()
    conn.request("POST", f"/events/{slug}/meetings/book/{buyer_id}", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"session={cookie}",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--slots", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    args = parser.parse_args()
    url = make_database(args.pg)
    slug, buyers, clients, slot_ids = seed(url, args.attempts, args.slots)
    print(f"seeded {DB_NAME}: {len(slot_ids)} slots, {len(clients)} suppliers")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "SESSION_COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--bind",
                               f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning", "wsgi:app"],
                              cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Uncontended: one booking at a time on the second buyer's calendar.
        alone = []
        for i, (_uid, cookie, token) in enumerate(clients[args.attempts:args.attempts + 20]):
            outcome, elapsed = book(port, slug, buyers[1], slot_ids[i % len(slot_ids)], cookie, token)
            assert outcome == "booked", outcome
            alone.append(elapsed)
        rng = random.Random(1)
        barrier = threading.Barrier(args.attempts)
        results = [None] * args.attempts

        def attempt(i):
            _uid, cookie, token = clients[i]
            slot = rng.choice(slot_ids)
            barrier.wait()
            try:
                results[i] = book(port, slug, buyers[0], slot, cookie, token)
            except Exception as exc:  # noqa: BLE001
                results[i] = (f"error {exc.__class__.__name__}", 0.0)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(args.attempts)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        double_people = conn.execute(text(
            "SELECT count(*) FROM (SELECT user_id, slot_id FROM meeting_participants WHERE slot_id IS NOT NULL "
            "GROUP BY user_id, slot_id HAVING count(*) > 1) d")).scalar()
        double_tables = conn.execute(text(
            "SELECT count(*) FROM (SELECT location_id, slot_id FROM meetings WHERE status <> 'cancelled' "
            "AND location_id IS NOT NULL GROUP BY location_id, slot_id HAVING count(*) > 1) d")).scalar()
        buyer_meetings = conn.execute(text(
            "SELECT count(*) FROM meeting_participants WHERE user_id = :b"), {"b": buyers[0]}).scalar()
    engine.dispose()
    kinds: dict[str, int] = {}
    for outcome, _ in results:
        kinds[outcome] = kinds.get(outcome, 0) + 1
    contended = [e for _, e in results if e]
    distinct = len({s for s in slot_ids})
    print(f"{args.attempts} concurrent attempts on {distinct} slots, gunicorn {args.workers} workers, "
          f"{wall:.1f} s wall")
    print("answers:", ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    print(f"meetings in the buyer's calendar: {buyer_meetings}")
    print(f"double bookings: {double_people} person/slot, {double_tables} table/slot (must be 0)")
    errors = sum(v for k, v in kinds.items() if k.startswith("error"))
    print(f"errors: {errors}")
    print(f"throughput: {args.attempts / wall:.0f} requests/s (the wait is mostly the queue for {args.workers} "
          f"sync workers)")
    print(f"latency under contention: p50 {statistics.median(contended) * 1000:.0f} ms, "
          f"p95 {pct(contended, 95) * 1000:.0f} ms")
    print(f"uncontended booking:      p50 {statistics.median(alone) * 1000:.0f} ms, "
          f"p95 {pct(alone, 95) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
