"""Benchmark: pages under gunicorn (2 workers) on PostgreSQL with the large demo, against a bare route.

    python3 bench/pages_bench.py [--seconds 10] [--connections 8]

Builds a fresh PostgreSQL database (BENCH_PG, default postgresql://postgres@127.0.0.1:5432), applies
the migrations, loads ``flask demo --large`` (1,000 registrations, 100 presentations, 50 intents),
then serves the app and a bare Flask route (bench/bare_app.py) with the same gunicorn settings and
loads each with wrk, a separate process. Prints requests per second and latency for the public
event page, the intents list and a signed-in personal agenda, each as a ratio to the bare route
(goal >= 0.50), and the SQL statements each page issues on a small and on the large event.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import app_env, flask, fresh_database, gunicorn, session_cookie, wrk  # noqa: E402

PAGES = [("event page (1,000 registrations, 100 sessions)", "/events/large-market-dialogue", False),
         ("intents list (50 intents)", "/intents", False),
         ("personal agenda (signed in)", "/meetings", True)]
SUPPLIER = ("sam.taylor@circular.example.org", "dialogue-demo-2026")


def statement_counts(database_url: str, upload_dir: str) -> list[tuple[str, int, int]]:
    """Statements per page for the small demo event and the large one, through the app in-process."""
    from sqlalchemy import event as sa_event

    from dialogue import create_app
    from dialogue.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False, "UPLOAD_DIR": upload_dir})
    client = app.test_client()
    client.post("/login", data={"email": SUPPLIER[0], "password": SUPPLIER[1]})
    with app.app_context():
        engine = db.engine
    counted = []

    def count(*_args):
        counted.append(1)

    def statements(url: str) -> int:
        client.get(url)  # warm caches
        counted.clear()
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    return [("event page", statements("/events/nordic-forum-smartphones"),
             statements("/events/large-market-dialogue")),
            ("materials page", statements("/events/nordic-forum-smartphones/materials"),
             statements("/events/large-market-dialogue/materials"))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    upload_dir = tempfile.mkdtemp(prefix="dialogue-bench-uploads-")
    with fresh_database("dlg_bench_pages") as database_url:
        env = app_env(database_url, UPLOAD_DIR=upload_dir)
        flask(["db", "upgrade"], env)
        flask(["demo", "--large"], env)
        print("database: PostgreSQL, large demo loaded")
        with gunicorn("bench.bare_app:app", env) as base:
            wrk(base + "/", seconds=2, connections=args.connections)  # warm up
            bare = wrk(base + "/", seconds=args.seconds, connections=args.connections)
        print(f"{'bare Flask route':<48} {bare['rps']:8.1f} req/s  p50 {bare['p50_ms']:6.1f} ms  "
              f"p99 {bare['p99_ms']:7.1f} ms")
        with gunicorn("wsgi:app", env) as base:
            cookie = session_cookie(base, *SUPPLIER)
            for name, path, signed_in in PAGES:
                headers = {"Cookie": cookie} if signed_in else None
                wrk(base + path, seconds=2, connections=args.connections, headers=headers)  # warm up
                result = wrk(base + path, seconds=args.seconds, connections=args.connections, headers=headers)
                ratio = result["rps"] / bare["rps"]
                verdict = "meets" if ratio >= 0.5 else "below"
                print(f"{name:<48} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:6.1f} ms  "
                      f"p99 {result['p99_ms']:7.1f} ms  ratio {ratio:5.3f} ({verdict} goal 0.50)"
                      + (f"  non-2xx {result['errors']}" if result["errors"] else ""))
        print("\nSQL statements per page: a small demo event vs the large event (a handful either way, never one")
        print("per row; the two events differ in which sections they have, e.g. linked intents)")
        for name, small, large in statement_counts(database_url, upload_dir):
            print(f"  {name:<20} {small:4d} vs {large:4d}")


if __name__ == "__main__":
    main()
