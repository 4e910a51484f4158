"""Benchmark: the main pages under gunicorn (2 workers) on PostgreSQL with the large demo, against a bare route.

    python3 bench/pages_bench.py [--seconds 10] [--connections 8] [--redis redis://127.0.0.1:6379/0]

Builds a fresh PostgreSQL database (BENCH_PG, default postgresql://postgres@127.0.0.1:5432), applies
the migrations, loads ``flask demo --large`` (1,000 registrations, 100 presentations, 50 intents) and
analyzes it (as autovacuum would; this machine's server runs without it),
then serves a bare Flask route (bench/bare_app.py) and the app with the same gunicorn settings and
loads each with wrk, a separate process (signed-in pages get the session cookie of a real sign-in).
The bare route is measured right before each page, so each ratio compares two figures taken under
the same load from the other work on the machine.

- The app with the public page cache OFF (PUBLIC_PAGE_CACHE_SECONDS=0): every page is built, as for
  a signed-in person or a cache miss. Goal: each page >= 0.05 of the bare route.
- The anonymous event page with the page cache ON (10 s). Goal: >= 0.5 of the bare route.
- With --redis, the same with pages, fragments and versions in Redis (as on several app machines).

Then the SQL statements each page issues on a small and on the large event, which must not grow
with the data.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import analyze, app_env, flask, fresh_database, gunicorn, session_cookie, wrk  # noqa: E402

EVENT = "/events/large-market-dialogue"
SMALL_EVENT = "/events/nordic-forum-smartphones"
SUPPLIER = ("sam.taylor@circular.example.org", "dialogue-demo-2026")
ORGANISER = ("anna.virtanen@hel.example.org", "dialogue-demo-2026")
INTENT_TITLE = "Planned ICT tender 1"

# (name, path on the large demo, path on the small demo, who asks: None, "supplier" or "organiser")
PAGES = [
    ("event page, anonymous", EVENT, SMALL_EVENT, None),
    ("event page, supplier", EVENT, SMALL_EVENT, "supplier"),
    ("materials page, supplier", EVENT + "/materials", SMALL_EVENT + "/materials", "supplier"),
    ("manage page, organiser", EVENT + "/manage", SMALL_EVENT + "/manage", "organiser"),
    ("registrations list, organiser", EVENT + "/registrations", SMALL_EVENT + "/registrations", "organiser"),
    ("personal agenda, supplier", "/meetings", "/meetings", "supplier"),
    ("intents list, anonymous", "/intents", "/intents", None),
    ("intent page, anonymous", "/intents/{intent}", "/intents/{intent}", None),
]


def line(name: str, result: dict, bare: float, goal: float) -> str:
    ratio = result["rps"] / bare
    return (f"{name:<36} {result['rps']:7.1f} req/s  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms"
            f"  bare {bare:6.0f} req/s  ratio {ratio:6.4f} ({'meets' if ratio >= goal else 'below'} goal {goal:.2f})"
            + (f"  non-2xx {result['errors']}" if result["errors"] else ""))


def intent_id(database_url: str) -> int:
    from sqlalchemy import create_engine, text

    with create_engine(database_url).connect() as conn:
        return conn.execute(text("SELECT id FROM intents WHERE title = :t"), {"t": INTENT_TITLE}).scalar_one()


def load(base: str, path: str, seconds: int, connections: int, cookie: str | None) -> dict:
    headers = {"Cookie": cookie} if cookie else None
    wrk(base + path, seconds=2, connections=connections, headers=headers, timeout=30)  # warm up: caches, connections
    return wrk(base + path, seconds=seconds, connections=connections, headers=headers, timeout=30)


def statement_counts(database_url: str, upload_dir: str, intent: int) -> list[tuple[str, int, int]]:
    """Statements per page for the small demo event and the large one, through the app in-process,
    with the fragments already built (a second request) as under load."""
    from sqlalchemy import event as sa_event

    from dialogue import create_app
    from dialogue.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False, "UPLOAD_DIR": upload_dir,
                      "PUBLIC_PAGE_CACHE_SECONDS": 0, "REDIS_URL": "",
                      "CACHE_VERSION_DIR": tempfile.mkdtemp(prefix="dialogue-bench-versions-")})
    clients = {None: app.test_client(), "supplier": app.test_client(), "organiser": app.test_client()}
    for who, (email, password) in (("supplier", SUPPLIER), ("organiser", ORGANISER)):
        clients[who].post("/login", data={"email": email, "password": password})
    with app.app_context():
        engine = db.engine
    counted = []

    def count(*_args):
        counted.append(1)

    def statements(client, url: str) -> int:
        client.get(url)  # warm caches
        counted.clear()
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    return [(name, statements(clients[who], small.format(intent=intent)),
             statements(clients[who], large.format(intent=intent))) for name, large, small, who in PAGES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--redis", default="", help="also measure with the caches in this Redis")
    args = parser.parse_args()
    upload_dir = tempfile.mkdtemp(prefix="dialogue-bench-uploads-")
    version_dir = tempfile.mkdtemp(prefix="dialogue-bench-versions-")
    with fresh_database("dlg_bench_pages") as database_url:
        env = app_env(database_url, UPLOAD_DIR=upload_dir, CACHE_VERSION_DIR=version_dir, REDIS_URL="")
        flask(["db", "upgrade"], env)
        flask(["demo", "--large"], env)
        analyze(database_url)
        intent = intent_id(database_url)
        print("database: PostgreSQL, large demo loaded")
        setups = [("memory", {})]
        if args.redis:
            setups.append(("Redis", {"REDIS_URL": args.redis, "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex}:"}))
        with gunicorn("bench.bare_app:app", env) as bare_base:

            def measure(name: str, base: str, path: str, cookie: str | None, goal: float) -> None:
                bare = load(bare_base, "/", args.seconds, args.connections, None)["rps"]
                print(line(name, load(base, path, args.seconds, args.connections, cookie), bare, goal), flush=True)

            for label, extra in setups:
                print(f"\npage cache OFF, fragments and versions in {label} (goal >= 0.05 of the bare route)")
                with gunicorn("wsgi:app", {**env, **extra, "PUBLIC_PAGE_CACHE_SECONDS": "0"}) as base:
                    cookies = {None: None, "supplier": session_cookie(base, *SUPPLIER),
                               "organiser": session_cookie(base, *ORGANISER)}
                    for name, path, _small, who in PAGES:
                        measure(name, base, path.format(intent=intent), cookies[who], 0.05)
                print(f"page cache ON (10 s), {label} (goal >= 0.5 of the bare route)")
                with gunicorn("wsgi:app", {**env, **extra, "PUBLIC_PAGE_CACHE_SECONDS": "10"}) as base:
                    measure("event page, anonymous, cached", base, EVENT, None, 0.5)
        print("\nSQL statements per page: a small demo event vs the large event (the same whatever the size;")
        print("the two events differ in which sections they have, e.g. linked intents)")
        for name, small, large in statement_counts(database_url, upload_dir, intent):
            print(f"  {name:<32} {small:4d} vs {large:4d}")


if __name__ == "__main__":
    main()
