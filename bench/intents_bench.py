"""Figures for planned tenders: the public list and feed over many intents, and an announcement
that matches many alerts. Prints timings; asserts nothing.

    python bench/intents_bench.py                       # SQLite in a temporary folder
    python bench/intents_bench.py postgresql://postgres@127.0.0.1:5432/bench   # an empty database
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue import create_app  # noqa: E402
from dialogue.config import normalise_database_url  # noqa: E402
from dialogue.extensions import db  # noqa: E402

INTENTS = 5000
SUBSCRIBERS = 2000


def timed(label: str, fn, runs: int = 5) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<58} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench",
                      "TESTING": True, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "RATELIMIT_ENABLED": False})
    from dialogue.intents import cpv, services, subscriptions
    from dialogue.intents.validation import CriterionInput, IntentInput, ItemInput
    from dialogue.models import (
        Intent,
        IntentCriterion,
        IntentItem,
        IntentStatus,
        Membership,
        Organisation,
        OrganisationKind,
        OutboxMessage,
        User,
        utcnow,
    )

    with app.app_context():
        db.drop_all()
        db.create_all()
        cpv.ensure_loaded()
        codes = [c.code for c in cpv.search("", limit=600)[0]]
        buyers = [Organisation(name=f"City {n}", slug=f"city-{n}", kind=OrganisationKind.PUBLIC_BUYER,
                               country=("FI", "SE", "NO", "DK")[n % 4]) for n in range(50)]
        db.session.add_all(buyers)
        db.session.flush()
        now = utcnow()
        start = time.perf_counter()
        for n in range(INTENTS):
            code = codes[n % len(codes)]
            intent = Intent(buyer=buyers[n % 50], title=f"Planned tender {n}", description="Laptops and phones",
                            cpv_main=code, status=IntentStatus.ANNOUNCED, announced_at=now - dt.timedelta(minutes=n),
                            planned_notice_date=(now + dt.timedelta(days=n % 400)).date(), place_country="FI",
                            estimated_value=Decimal(100000 + n), currency="EUR", timezone="Europe/Helsinki")
            intent.items.append(IntentItem(position=0, cpv=code, description="Items", quantity=Decimal(100)))
            if n % 3 == 0:
                intent.criteria.append(IntentCriterion(kind="label", subject="tco_certified", text="", position=0))
            db.session.add(intent)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            db.session.execute(text("ANALYZE"))  # as autovacuum would after a bulk load
            db.session.commit()
        print(f"{INTENTS} announced intents written in {time.perf_counter() - start:.1f} s "
              f"({db.engine.dialect.name})")

        client = app.test_client()
        timed("GET /intents (first page, no filter)", lambda: client.get("/intents"))
        for url in ("/intents?cpv=302&criterion=tco_certified", "/intents?q=tender+49&country=FI&page=3"):
            timed(f"GET {url}", lambda url=url: client.get(url))
        timed("GET /intents/feed.atom (50 entries)", lambda: client.get("/intents/feed.atom"))
        timed("GET /intents/ocds.json (all intents)", lambda: client.get("/intents/ocds.json"), runs=1)

        staff = User(email="staff@bench.example.org", name="Staff", password_hash="x", email_verified_at=now)
        db.session.add_all([staff, Membership(user=staff, organisation=buyers[0])])
        suppliers = Organisation(name="Supplier", slug="supplier", kind=OrganisationKind.SUPPLIER, country="SE")
        db.session.add(suppliers)
        people = [User(email=f"s{n}@bench.example.org", name=f"S {n}", password_hash="x", email_verified_at=now)
                  for n in range(SUBSCRIBERS)]
        db.session.add_all(people)
        db.session.flush()
        for n, person in enumerate(people):
            subscriptions.subscribe(person, cpv_prefix="302" if n % 2 else "3021")
        db.session.commit()
        intent = services.create_intent(staff, IntentInput(
            title="Laptops", cpv_main="30213100-6", items=[ItemInput(description="Laptops", quantity="20000")],
            criteria=[CriterionInput("tco_certified", ticked=True)]))
        db.session.commit()
        start = time.perf_counter()
        services.announce_intent(intent, staff)
        db.session.commit()
        elapsed = time.perf_counter() - start
        mails = db.session.query(OutboxMessage).count()
        print(f"announce matching {SUBSCRIBERS} alerts: {mails} mails queued in {elapsed * 1000:.0f} ms "
              f"({elapsed / max(mails, 1) * 1000:.2f} ms a mail)")


if __name__ == "__main__":
    main()
