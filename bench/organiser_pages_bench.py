"""Benchmark: the organisers' and participants' pages built without the page cache, against a bare route.

    python3 bench/organiser_pages_bench.py [--seconds 10] [--connections 8] [--only manage,agenda]

Builds a fresh PostgreSQL database (BENCH_PG, default postgresql://postgres@127.0.0.1:5432), applies
the migrations, loads ``flask demo --large`` (an event of 1,000 registrations and 100 sessions, 50
intents) and serves the app with PUBLIC_PAGE_CACHE_SECONDS=0 and a bare Flask route (bench/bare_app.py)
under the same gunicorn settings (2 workers), each loaded by wrk, a separate process. Prints requests
per second and latency for the event manage page and the registrations list (signed in as the
organiser), the personal agenda (signed in as a supplier), and the intents list and an intent's page
(anonymous), each as a ratio to the bare route (goal >= 0.05); then the SQL statements each page
issues for a small and a large case, which must be equal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import analyze, app_env, flask, fresh_database, gunicorn, session_cookie, wrk  # noqa: E402

GOAL = 0.05
PASSWORD = "dialogue-demo-2026"
ORGANISER = "anna.virtanen@hel.example.org"
SUPPLIER = "sam.taylor@circular.example.org"
LARGE, SMALL = "large-market-dialogue", "nordic-forum-smartphones"


def pages(intent_id: int) -> list[tuple[str, str, str, str | None]]:
    """(key, name, path, who signs in)."""
    return [("manage", "event manage page (organiser)", f"/events/{LARGE}/manage", ORGANISER),
            ("registrations", "registrations list (organiser)", f"/events/{LARGE}/registrations", ORGANISER),
            ("agenda", "personal agenda (supplier)", "/meetings", SUPPLIER),
            ("intents", "intents list (anonymous)", "/intents", None),
            ("intent", "intent page (anonymous)", f"/intents/{intent_id}", None)]


def demo_intents(database_url: str) -> tuple[int, int]:
    """An intent presented at the large event (with links) and one presented nowhere."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        linked = connection.scalar(text("SELECT i.id FROM intents i JOIN event_intents l ON l.intent_id = i.id "
                                        "WHERE i.status = 'announced' ORDER BY i.id LIMIT 1"))
        alone = connection.scalar(text("SELECT i.id FROM intents i WHERE i.status = 'announced' AND NOT EXISTS "
                                       "(SELECT 1 FROM event_intents l WHERE l.intent_id = i.id) "
                                       "ORDER BY i.id LIMIT 1"))
    engine.dispose()
    return linked, alone


def statement_counts(database_url: str, upload_dir: str, linked: int, alone: int) -> list[tuple[str, int, int]]:
    """Statements per page for a small and a large case, through the app in-process."""
    from sqlalchemy import event as sa_event

    from dialogue import create_app
    from dialogue.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False, "UPLOAD_DIR": upload_dir,
                      "PUBLIC_PAGE_CACHE_SECONDS": 0})
    clients = {}
    for email in (ORGANISER, SUPPLIER, "erik.lund@malmo.example.org", None):
        clients[email] = app.test_client()
        if email:
            clients[email].post("/login", data={"email": email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    counted = []

    def count(*_args):
        counted.append(1)

    def statements(who: str | None, url: str) -> int:
        client = clients[who]
        client.get(url)  # warm caches
        counted.clear()
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    return [
        ("event manage page", statements(ORGANISER, f"/events/{SMALL}/manage"),
         statements(ORGANISER, f"/events/{LARGE}/manage")),
        ("registrations list", statements(ORGANISER, f"/events/{SMALL}/registrations"),
         statements(ORGANISER, f"/events/{LARGE}/registrations")),
        ("personal agenda", statements("erik.lund@malmo.example.org", "/meetings"), statements(SUPPLIER, "/meetings")),
        ("intents list", statements(None, "/intents?q=tender+1"), statements(None, "/intents")),
        ("intent page", statements(None, f"/intents/{alone}"), statements(None, f"/intents/{linked}")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--only", default="", help="comma-separated page keys (manage, registrations, agenda, "
                                                    "intents, intent); all by default")
    args = parser.parse_args()
    only = {key for key in args.only.split(",") if key}
    upload_dir = tempfile.mkdtemp(prefix="dialogue-bench-uploads-")
    with fresh_database("dlg_bench_organiser_pages") as database_url:
        env = app_env(database_url, UPLOAD_DIR=upload_dir, PUBLIC_PAGE_CACHE_SECONDS="0")
        flask(["db", "upgrade"], env)
        flask(["demo", "--large"], env)
        analyze(database_url)
        linked, alone = demo_intents(database_url)
        print("database: PostgreSQL, large demo loaded; page cache off")
        with gunicorn("bench.bare_app:app", env) as base:
            wrk(base + "/", seconds=2, connections=args.connections)  # warm up
            bare = wrk(base + "/", seconds=args.seconds, connections=args.connections)
        print(f"{'bare Flask route':<40} {bare['rps']:8.1f} req/s  p50 {bare['p50_ms']:6.1f} ms  "
              f"p99 {bare['p99_ms']:7.1f} ms")
        with gunicorn("wsgi:app", env) as base:
            cookies = {}
            for key, name, path, who in pages(linked):
                if only and key not in only:
                    continue
                if who and who not in cookies:
                    cookies[who] = session_cookie(base, who, PASSWORD)
                headers = {"Cookie": cookies[who]} if who else None
                wrk(base + path, seconds=2, connections=args.connections, headers=headers)  # warm up
                result = wrk(base + path, seconds=args.seconds, connections=args.connections, headers=headers)
                ratio = result["rps"] / bare["rps"]
                verdict = "meets" if ratio >= GOAL else "below"
                print(f"{name:<40} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                      f"p99 {result['p99_ms']:7.1f} ms  ratio {ratio:5.3f} ({verdict} goal {GOAL:.2f})"
                      + (f"  non-2xx {result['errors']}" if result["errors"] else ""))
        print("\nSQL statements per page, a small case vs a large one (the same number either way):")
        print("  manage and registrations: a 9-registration event vs the 1,000-registration event; agenda: a")
        print("  person with one meeting vs one with two and requests; intents: one match vs all; intent page:")
        print("  an intent presented nowhere vs one presented at an event")
        for name, small, large in statement_counts(database_url, upload_dir, linked, alone):
            print(f"  {name:<22} {small:4d} vs {large:4d}")


if __name__ == "__main__":
    main()
