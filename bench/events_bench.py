"""Benchmark: the public event page and the attendance exports, each against a baseline in the same run.

    python3 bench/events_bench.py                       # a fresh SQLite file in a temporary folder
    python3 bench/events_bench.py --database-url postgresql://postgres@127.0.0.1:5432/bench_empty

The database must be empty (its tables are created and dropped). The script fills one event with
1,000 registrations and 100 agenda sessions, and another with 20,000 registrations, then prints:

- the event page served over HTTP by a threaded Werkzeug server, against a bare Flask route that
  returns a short text on the same app and server (median and 95th percentile of sequential requests);
- the 20,000-row CSV and XLSX exports (the code the download uses), against raw ``csv.writer`` and
  openpyxl write-only writing the same rows from memory, and the peak memory the CSV export needs.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from dialogue import create_app  # noqa: E402
from dialogue.config import normalise_database_url  # noqa: E402
from dialogue.extensions import db  # noqa: E402
from dialogue.models import (AgendaSession, Event, EventCoHost, EventStatus, Membership, Organisation,  # noqa: E402
                             OrganisationKind, ParticipantRole, Registration, RegistrationAnswer,
                             RegistrationQuestion, RegistrationState, SessionKind, SessionSpeaker, User, utcnow)

ROLES = list(ParticipantRole)


def fill(event_slug: str, registrations: int, sessions: int, offset: int) -> Event:
    """An event with the given numbers of registrations (people of 200 organisations) and sessions."""
    start = (utcnow() + dt.timedelta(days=30)).replace(hour=6, minute=0, second=0, microsecond=0)
    host = Organisation(name=f"Host {event_slug}", slug=f"host-{event_slug}", kind=OrganisationKind.PUBLIC_BUYER,
                        country="FI")
    event = Event(slug=event_slug, title=f"Benchmark {event_slug}", summary="Joint market dialogue",
                  description="**Fair** and *circular* ICT.\n\n- laptops\n- phones", timezone="Europe/Helsinki",
                  starts_at=start, ends_at=start + dt.timedelta(days=2), venue="City Hall", languages=["en", "fi"],
                  status=EventStatus.PUBLISHED, capacity=None)
    event.cohosts.append(EventCoHost(organisation=host))
    db.session.add(event)
    db.session.flush()
    question = RegistrationQuestion(event=event, kind="text", text="Which products do you bring?", position=1)
    db.session.add(question)
    # Plain multi-row inserts, then the ids read back (RETURNING over many rows is slow to splice).
    db.session.execute(insert(Organisation), [
        {"name": f"Company {offset + i}", "slug": f"company-{offset + i}", "kind": OrganisationKind.SUPPLIER,
         "country": "SE"} for i in range(200)])
    org_ids = list(db.session.scalars(select(Organisation.id).where(
        Organisation.slug.in_([f"company-{offset + i}" for i in range(200)])).order_by(Organisation.id)))
    db.session.execute(insert(User), [
        {"email": f"bench{offset + i}@example.org", "name": f"Person {offset + i}", "password_hash": "x",
         "email_verified_at": utcnow()} for i in range(registrations)])
    by_email = dict(db.session.execute(select(User.email, User.id).where(User.email.like("bench%"))).all())
    user_ids = [by_email[f"bench{offset + i}@example.org"] for i in range(registrations)]
    db.session.execute(insert(Membership), [{"user_id": uid, "organisation_id": org_ids[i % 200]}
                                            for i, uid in enumerate(user_ids)])
    now = utcnow()
    db.session.execute(insert(Registration), [
        {"event_id": event.id, "user_id": uid, "organisation_id": org_ids[i % 200], "role": ROLES[i % 5],
         "state": RegistrationState.CONFIRMED, "created_at": now, "updated_at": now, "confirmed_at": now,
         "checked_in_at": now if i % 3 == 0 else None, "list_consent_at": now if i % 2 else None,
         "list_consent_version": "2024-1" if i % 2 else None} for i, uid in enumerate(user_ids)])
    reg_ids = list(db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)
                                      .order_by(Registration.id)))
    db.session.flush()
    db.session.execute(insert(RegistrationAnswer), [
        {"registration_id": rid, "question_id": question.id, "value": "=cmd|' /C calc'!A0" if i % 50 == 0
         else "Refurbished laptops"} for i, rid in enumerate(reg_ids)])
    for i in range(sessions):
        begin = start + dt.timedelta(minutes=20 * i)
        session = AgendaSession(event=event, title=f"Session {i}", kind=list(SessionKind)[i % 7], starts_at=begin,
                                ends_at=begin + dt.timedelta(minutes=20), room=f"Room {i % 4}",
                                description="A *short* description.")
        db.session.add(session)
        for uid in user_ids[i * 2:i * 2 + 2]:
            session.speakers.append(SessionSpeaker(user_id=uid))
    db.session.commit()
    return event


def timed_requests(url: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        began = time.perf_counter()
        with urllib.request.urlopen(url) as response:
            response.read()
            assert response.status == 200, response.status
        times.append(time.perf_counter() - began)
    return times


def describe(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def best_of(function, repeat: int = 3) -> float:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=60, help="requests per page timed")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="dialogue-bench-"))
    url = normalise_database_url(args.database_url) if args.database_url else f"sqlite:///{workdir / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "UPLOAD_DIR": str(workdir / "uploads")})

    @app.get("/_bench/bare")
    def bare():
        return "ok"

    from dialogue.exports import attendance

    with app.app_context():
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        page_event = fill("bench-page", 1000, 100, offset=0)
        export_event = fill("bench-export", 20_000, 0, offset=100_000)
        print(f"database: {db.engine.dialect.name}; filled in {time.perf_counter() - began:.1f} s "
              "(1,000 registrations and 100 sessions; 20,000 registrations)")
        page_slug, export_slug = page_event.slug, export_event.slug

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    try:
        timed_requests(f"{base}/events/{page_slug}", 5)  # warm up templates and caches
        timed_requests(f"{base}/_bench/bare", 5)
        page = describe(timed_requests(f"{base}/events/{page_slug}", args.requests))
        bare_times = describe(timed_requests(f"{base}/_bench/bare", args.requests))
    finally:
        server.shutdown()
    print("\nPublic event page (1,000 registrations, 100 sessions), HTTP, threaded Werkzeug server")
    print(f"  event page      median {page[0]:7.1f} ms   p95 {page[1]:7.1f} ms")
    print(f"  bare route      median {bare_times[0]:7.1f} ms   p95 {bare_times[1]:7.1f} ms")
    print(f"  ratio           {page[0] / bare_times[0]:7.1f} x (median)")

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == export_slug))
        keys = ["person", "organisation", "country", "role", "state", "registered_at", "answers", "checked_in_at"]

        def our_csv():
            headings, rows = attendance.rows(event, keys, attendance.Filters())
            size = sum(len(chunk) for chunk in attendance.csv_chunks(headings, rows))
            db.session.expire_all()
            return size

        def our_xlsx():
            with tempfile.TemporaryFile() as fh:
                headings, rows = attendance.rows(event, keys, attendance.Filters())
                attendance.write_xlsx(headings, rows, fh)
            db.session.expire_all()

        headings, rows = attendance.rows(event, keys, attendance.Filters())
        in_memory = [tuple(row) for row in rows]
        assert len(in_memory) == 20_000

        def raw_csv():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(headings)
            writer.writerows(in_memory)
            return len(buffer.getvalue())

        def raw_xlsx():
            from openpyxl import Workbook

            with tempfile.TemporaryFile() as fh:
                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet()
                sheet.append(headings)
                for row in in_memory:
                    sheet.append(row)
                workbook.save(fh)

        csv_time, raw_csv_time = best_of(our_csv), best_of(raw_csv)
        xlsx_time, raw_xlsx_time = best_of(our_xlsx, 2), best_of(raw_xlsx, 2)
        del in_memory
        tracemalloc.start()
        our_csv()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        size = our_csv()
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    print("\nAttendance export, 20,000 rows, 8 columns (reading the database included in ours, not in the baseline)")
    print(f"  CSV  ours       {csv_time:7.2f} s   raw csv.writer from memory  {raw_csv_time:7.2f} s   "
          f"ratio {csv_time / raw_csv_time:5.1f} x")
    print(f"  XLSX ours       {xlsx_time:7.2f} s   raw openpyxl write-only     {raw_xlsx_time:7.2f} s   "
          f"ratio {xlsx_time / raw_xlsx_time:5.1f} x")
    print(f"  CSV size {size / 1e6:.1f} MB; peak Python memory while exporting {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
