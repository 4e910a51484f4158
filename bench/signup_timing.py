"""Sign-up timing: does the answer take as long for an address that has an account as for a new one?

    python3 bench/signup_timing.py [--rounds 30] [--database-url postgresql://postgres@127.0.0.1:5432/db]

Runs the app in this process (no server) on a fresh SQLite file in a temporary folder, or on the
given database, which must be empty (the tables are created and dropped again). Each round posts
the sign-up form twice, in alternating order: once with a new address and once with the address of
an account that exists, and times the whole request. Prints the median and 90th percentile of both
and their difference. A difference that is small against the spread means the timing does not tell
a stranger whether an address has an account. Never run by the test suite; prints, never asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORM = {"name": "Sam Supplier", "password": "green laptops again", "password_confirm": "green laptops again",
        "org_kind": "manufacturer", "country": "GB", "registration_number": "", "website": ""}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from dialogue import create_app
    from dialogue.config import normalise_database_url
    from dialogue.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False, "MAIL_PORT": 9,
                          "UPLOAD_DIR": str(Path(tmp) / "uploads")})
        with app.app_context():
            db.create_all()
        try:
            client = app.test_client()
            existing = {**FORM, "email": "taken@bench.example.org", "org_name": "Taken Ltd"}
            if client.post("/signup", data=existing).status_code != 303:
                raise SystemExit("could not create the existing account")
            times: dict[str, list[float]] = {"new address": [], "existing address": []}
            for n in range(args.rounds):
                new = {**FORM, "email": f"new{n}@bench.example.org", "org_name": f"New Company {n}"}
                again = {**existing, "org_name": f"Another Company {n}"}
                pairs = [("new address", new), ("existing address", again)]
                for label, data in (pairs if n % 2 else reversed(pairs)):
                    visitor = app.test_client()
                    start = time.perf_counter()
                    status = visitor.post("/signup", data=data).status_code
                    times[label].append((time.perf_counter() - start) * 1000)
                    if status != 303:
                        raise SystemExit(f"sign-up answered {status} for {label}")
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()

    print(f"sign-up, {args.rounds} rounds, {'PostgreSQL' if url.startswith('postgres') else 'SQLite'}")
    for label, values in times.items():
        print(f"  {label:17} median {statistics.median(values):7.1f} ms   p90 {percentile(values, 0.9):7.1f} ms")
    difference = statistics.median(times["existing address"]) - statistics.median(times["new address"])
    print(f"  difference of medians (existing - new): {difference:+.1f} ms")


if __name__ == "__main__":
    main()
