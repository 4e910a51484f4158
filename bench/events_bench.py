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

from sqlalchemy import select  # noqa: E402

from dialogue import create_app  # noqa: E402
from dialogue.config import normalise_database_url  # noqa: E402
from dialogue.demo_large import fill_event  # noqa: E402
from dialogue.extensions import db  # noqa: E402
from dialogue.models import Event  # noqa: E402


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
        page_event = fill_event("bench-page", registrations=1000, sessions=100, offset=0)
        export_event = fill_event("bench-export", registrations=20_000, sessions=0, offset=100_000)
        db.session.commit()
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
