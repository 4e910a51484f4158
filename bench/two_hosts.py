"""Two app hosts on one database: the booking race and page loads across both, and what they must share.

    sudo python3 bench/two_hosts.py [--attempts 500] [--slots 40] [--workers 1] [--threads 8]
                                    [--seconds 10] [--net 10.231.0] [--pg postgresql://postgres@127.0.0.1:5432]

Builds two hosts in network namespaces (bench/two_hosts_net.py: veth pairs on a bridge, a private /24),
each running its own gunicorn and its own queue worker, both on one PostgreSQL database of its own
(seeded by bench/booking_bench.py: one self-booking buyer with 40 slots, 520 suppliers), with rate
limits in Redis, uploads in one S3 bucket (a moto server) and mail to one SMTP sink that counts.
Then, from the root namespace, it checks and prints:

- a session signed in on host A is valid on host B (one SECRET_KEY, one database);
- an upload on host A downloads, byte for byte, from host B (shared S3 storage, not UPLOAD_DIR);
- that upload shows on host B's anonymous event page within the page cache's lifetime;
- the booking race, attempts alternating between the hosts: bookings ok / taken / errors, double
  bookings (goal 0), and the mails those bookings queued against the mails the sink received (0 lost);
- the page load: wrk on both hosts at once, anonymous (page cache) and signed in (no cache);
- the log-in limit across hosts: 10 failed attempts on A, the 11th on B is refused (429).

Needs root (ip netns), socat, wrk, Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432.
Everything it creates (namespaces, bridge, processes, database, bucket objects) goes on exit.
Never run by the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import booking_bench, harness  # noqa: E402
from bench.two_hosts_net import forwarder, mail_sink, moto_server, network, process, wait_for_port  # noqa: E402

PASSWORD = "bench password 123"  # what booking_bench.seed gives every person
ORGANISER = "benchbuyer0@example.org"
PORT = 8000  # gunicorn's port inside each namespace
BARE_PORT = 8001  # the baseline: a bare Flask route under the same gunicorn settings, on each host
CACHE_SECONDS = 10


def queue_worker_command(env: dict) -> list[str]:
    """THE place that picks each host's queue worker: ``flask jobs worker`` once the task queue exists,
    until then the outbox's own loop (which is what delivers the mails either way)."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    probe = subprocess.run([*flask, "jobs", "worker", "--help"], cwd=ROOT, env=env, capture_output=True)
    if probe.returncode == 0:
        return [*flask, "jobs", "worker"]
    return [*flask, "outbox", "send", "--loop", "--interval", "1"]


def seed(url: str, attempts: int, slots: int) -> tuple[str, int, list, list]:
    """The booking benchmark's event, plus the first buyer as its organiser (to upload materials)."""
    seeded = booking_bench.seed(url, attempts, slots)
    if isinstance(seeded, tuple):  # (slug, buyer ids, clients, slot ids)
        slug, buyers, clients, slot_ids = seeded
    else:  # a record with the same four things
        slug, buyers, clients, slot_ids = seeded.slug, seeded.buyers, seeded.clients, seeded.slots
    from sqlalchemy import select

    from dialogue import create_app
    from dialogue.extensions import db
    from dialogue.models import Event, EventStaff, StaffRole, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": booking_bench.SECRET})
    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        db.session.add(EventStaff(event=event, user=organiser, role=StaffRole.ORGANISER))
        db.session.commit()
        db.engine.dispose()
    return slug, buyers[0], clients, slot_ids


def host_env(name: str, *, database: str, redis_url: str, s3: str, bucket: str, smtp: tuple[str, int],
             work: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database, "SECRET_KEY": booking_bench.SECRET,
            "SESSION_COOKIE_SECURE": "0", "REDIS_URL": redis_url, "STORAGE_URL": f"s3://{bucket}/uploads",
            "S3_ENDPOINT_URL": s3, "S3_ADDRESSING_STYLE": "path", "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "MAIL_SERVER": smtp[0],
            "MAIL_PORT": str(smtp[1]), "UPLOAD_DIR": str(work / f"uploads-{name}"),  # staging only: not shared
            "PUBLIC_PAGE_CACHE_SECONDS": str(CACHE_SECONDS), "OUTBOX_LEASE_SECONDS": "60"}


def gunicorn_command(address: str, workers: int, threads: int, app: str = "wsgi:app", port: int = PORT) -> list[str]:
    conf = ROOT / "dialogue" / "gunicorn_conf.py"  # the production settings, where the project has them
    return [sys.executable, "-m", "gunicorn", *(["-c", str(conf)] if conf.exists() else []),
            "--workers", str(workers), "--threads", str(threads), "--bind", f"{address}:{port}",
            "--log-level", "warning", app]


class Browser:
    """A cookie jar and the CSRF token of the last form page, as a person's browser holds them."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def get(self, url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(url, headers=headers or {}))

    def cookies(self) -> str:
        """The Cookie header, to carry the session to the other host (a load balancer's one domain would)."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def form_token(self, url: str) -> str:
        status, _headers, body = self.get(url)
        match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"no form at {url} ({status})")
        return match.group(1).decode()

    def post(self, url: str, fields: dict, files: dict | None = None) -> tuple[int, dict, bytes]:
        if files:
            from urllib3 import encode_multipart_formdata

            body, content_type = encode_multipart_formdata({**fields, **files})
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self._open(urllib.request.Request(url, data=body, headers={"Content-Type": content_type}))

    def _open(self, request) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def anonymous_page(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read(), response.headers.get("X-Cache", "")


def check_sharing(a: str, b: str, slug: str) -> dict:
    """Sign in on A, use the session on B; upload on A, download on B; the upload on B's cached page."""
    from dialogue.materials.demo import make_pdf

    organiser = Browser()
    token = organiser.form_token(f"{a}/login")
    organiser.post(f"{a}/login", {"csrf_token": token, "email": ORGANISER, "password": PASSWORD})
    session_on_b = organiser.get(f"{b}/events/{slug}/materials/new", headers={"Cookie": organiser.cookies()})[0]
    event_page = f"{b}/events/{slug}"
    anonymous_page(event_page)
    warm = anonymous_page(event_page)[1]  # B now holds the page without the upload
    title = f"Two hosts plan {uuid.uuid4().hex[:8]}"
    data = make_pdf([title, "Uploaded on host A"])
    token = organiser.form_token(f"{a}/events/{slug}/materials/new")
    status, headers, _ = organiser.post(
        f"{a}/events/{slug}/materials/new",
        {"csrf_token": token, "target": "event", "title": title, "description": "", "language": "en",
         "visibility": "public", "link": ""}, files={"file": ("plan.pdf", data, "application/pdf")})
    uploaded = time.monotonic()
    match = re.search(r"/materials/(\d+)", headers.get("Location", ""))
    if status != 303 or not match:
        raise RuntimeError(f"the upload on host A was refused ({status})")
    seen_after = None
    while time.monotonic() - uploaded < 3 * CACHE_SECONDS:
        if title.encode() in anonymous_page(event_page)[0]:
            seen_after = time.monotonic() - uploaded
            break
        time.sleep(0.2)
    download = Browser().get(f"{b}/materials/{match.group(1)}/download")
    return {"session_on_b": session_on_b, "warm": warm, "seen_after": seen_after,
            "download_status": download[0], "download_same": download[2] == data, "size": len(data)}


def race(addresses: list[str], slug: str, buyer: int, clients: list, slot_ids: list, attempts: int) -> dict:
    """``attempts`` bookings at once, alternating between the hosts, each on a random one of the slots."""
    rng = random.Random(1)
    barrier = threading.Barrier(attempts)
    results: list = [None] * attempts

    def attempt(i: int) -> None:
        _uid, cookie, token = clients[i]
        slot = rng.choice(slot_ids)
        barrier.wait()
        try:
            results[i] = booking_bench.book(PORT, slug, buyer, slot, cookie, token, host=addresses[i % 2])
        except (OSError, http.client.HTTPException) as exc:
            results[i] = (f"error {exc.__class__.__name__}", 0.0)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for outcome, _elapsed in results:
        kinds[outcome] = kinds.get(outcome, 0) + 1
    latencies = [elapsed for _outcome, elapsed in results if elapsed]
    return {"kinds": kinds, "wall": wall, "p95": booking_bench.pct(latencies, 95),
            "p50": booking_bench.pct(latencies, 50)}


def database_counts(url: str, buyer: int) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        extra_people, extra_tables = conn.execute(text(
            "SELECT (SELECT count(*) - count(DISTINCT (user_id, slot_id)) FROM meeting_participants "
            "        WHERE slot_id IS NOT NULL),"
            "       (SELECT count(*) - count(DISTINCT (location_id, slot_id)) FROM meetings "
            "        WHERE status <> 'cancelled' AND location_id IS NOT NULL)")).one()
        held = conn.execute(text("SELECT count(*) FROM meeting_participants WHERE user_id = :b"), {"b": buyer}).scalar()
        mail = dict(conn.execute(text("SELECT status, count(*) FROM outbox_messages GROUP BY status")).all())
    engine.dispose()
    return {"double_people": extra_people, "double_tables": extra_tables, "held": held, "mail": mail}


def wait_for_outbox(url: str, buyer: int, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        counts = database_counts(url, buyer)
        if not {"queued", "sending"} & set(counts["mail"]) or time.monotonic() > deadline:
            return counts
        time.sleep(1)


def login_limit_across_hosts(a: str, b: str) -> tuple[list[int], int]:
    """Failed password attempts from one address: 10 on host A, then one on host B."""
    from limits import parse_many

    from dialogue.config import load_config

    per_minute = min(item.amount for item in parse_many(load_config(ROOT / "instance", {})["LOGIN_RATE_LIMIT"])
                     if item.GRANULARITY.name == "minute")
    on_a = Browser()
    token = on_a.form_token(f"{a}/login")
    answers = [on_a.post(f"{a}/login", {"csrf_token": token, "email": f"guess{n}@example.org",
                                        "password": "wrong"})[0] for n in range(per_minute)]
    on_b = Browser()
    token = on_b.form_token(f"{b}/login")
    return answers, on_b.post(f"{b}/login", {"csrf_token": token, "email": "guess-b@example.org",
                                             "password": "wrong"})[0]


def page_load(urls: list[str], seconds: int, headers: dict | None = None) -> list[dict]:
    """wrk on every host at the same time."""
    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(lambda url: harness.wrk(url, seconds=seconds, connections=8, threads=1,
                                                     headers=headers), urls))


def clear_limits(redis_url: str, address: str) -> None:
    """Counts left by an earlier run from the same address would refuse this run's first attempts."""
    import redis

    connection = redis.Redis.from_url(redis_url)
    for key in connection.scan_iter(match=f"*{address}*"):
        connection.delete(key)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--slots", type=int, default=40)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per host")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page load")
    parser.add_argument("--net", default="10.231.0", help="the private /24, without its last number")
    parser.add_argument("--pg", default=harness.PG_SERVER)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root for ip netns")
    work = Path(tempfile.mkdtemp(prefix="two-hosts-"))
    with ExitStack() as stack:
        url = stack.enter_context(harness.fresh_database("dlg_two_hosts"))
        slug, buyer, clients, slot_ids = seed(url, args.attempts, args.slots)
        print(f"seeded {url.rsplit('/', 1)[1]}: {len(slot_ids)} slots, {len(clients)} suppliers")
        addresses = stack.enter_context(network(args.net, ["a", "b"]))
        shared = f"{args.net}.1"
        forwarder(stack, shared, 5432)
        forwarder(stack, shared, 6379)
        redis_url = f"redis://{shared}:6379/0"
        clear_limits(redis_url, shared)
        s3 = moto_server(stack, shared, harness.free_port(), work / "moto.log")
        bucket = f"dialogue-two-hosts-{uuid.uuid4().hex[:8]}"
        import boto3

        boto3.client("s3", endpoint_url=s3, region_name="us-east-1", aws_access_key_id="bench",
                     aws_secret_access_key="bench").create_bucket(Bucket=bucket)
        smtp = (shared, harness.free_port())
        sink = stack.enter_context(mail_sink(*smtp))
        database = url.replace("@127.0.0.1:", f"@{shared}:")
        worker_command = None
        for name, address in addresses.items():
            env = host_env(name, database=database, redis_url=redis_url, s3=s3, bucket=bucket, smtp=smtp, work=work)
            worker_command = worker_command or queue_worker_command(env)
            server = stack.enter_context(process(gunicorn_command(address, args.workers, args.threads), env=env,
                                                 namespace=name, log=work / f"gunicorn-{name}.log"))
            stack.enter_context(process(worker_command, env=env, namespace=name, log=work / f"worker-{name}.log"))
            bare = stack.enter_context(process(gunicorn_command(address, args.workers, args.threads,
                                                                app="bench.bare_app:app", port=BARE_PORT),
                                               env=env, namespace=name, log=work / f"bare-{name}.log"))
            wait_for_port(address, PORT, server)
            wait_for_port(address, BARE_PORT, bare)
        a, b = (f"http://{addresses[n]}:{PORT}" for n in ("a", "b"))
        print(f"hosts: A {a}, B {b}; {args.workers} gunicorn worker(s) x {args.threads} threads each; "
              f"queue worker: {' '.join(worker_command[5:])}; logs in {work}")

        sharing = check_sharing(a, b, slug)
        before = wait_for_outbox(url, buyer)["mail"]  # mail from before the race is out of the count
        received_before, ids_before = sink.messages, set(sink.ids)
        booked = race([addresses["a"], addresses["b"]], slug, buyer, clients, slot_ids, args.attempts)
        baseline = page_load([f"http://{addresses[n]}:{BARE_PORT}/" for n in ("a", "b")], args.seconds)
        anonymous = page_load([f"{a}/events/{slug}", f"{b}/events/{slug}"], args.seconds)
        _uid, cookie, _token = clients[-1]
        signed_in = page_load([f"{a}/events/{slug}", f"{b}/events/{slug}"], args.seconds,
                              headers={"Cookie": f"session={cookie}"})
        counts = wait_for_outbox(url, buyer)
        time.sleep(1)  # the sink counts a message once its DATA is accepted
        clear_limits(redis_url, shared)  # the organiser's log-in above counted too
        on_a, on_b = login_limit_across_hosts(a, b)

        kinds = booked["kinds"]
        errors = sum(v for k, v in kinds.items() if k.startswith("error"))
        queued = sum(counts["mail"].values()) - sum(before.values())
        sent = counts["mail"].get("sent", 0) - before.get("sent", 0)
        print(f"session signed in on A, used on B: {sharing['session_on_b']} (200 = valid)")
        print(f"upload on A ({sharing['size']} bytes), download on B: {sharing['download_status']}, "
              f"same bytes: {sharing['download_same']}")
        seen = sharing["seen_after"]
        print(f"change on A visible on B's anonymous event page after "
              f"{'never' if seen is None else f'{seen:.1f} s'} (page cache {CACHE_SECONDS} s; B's page was "
              f"cached: {sharing['warm'] == 'hit'})")
        print(f"booking race: {args.attempts} attempts on {len(slot_ids)} slots over 2 hosts in "
              f"{booked['wall']:.1f} s = {args.attempts / booked['wall']:.0f} bookings answered/s; "
              f"p50 {booked['p50'] * 1000:.0f} ms, p95 {booked['p95'] * 1000:.0f} ms")
        print(f"bookings ok: {kinds.get('booked', 0)}, taken: {kinds.get('slot just taken', 0)}, errors: {errors} "
              f"({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()) if k.startswith('error')) or 'none'})")
        print(f"meetings in the buyer's calendar: {counts['held']}; double bookings: {counts['double_people']} "
              f"person/slot, {counts['double_tables']} table/slot (goal 0)")
        waiting = counts["mail"].get("queued", 0) + counts["mail"].get("sending", 0)
        distinct = len(sink.ids - ids_before)
        print(f"mails queued: {queued}, sent: {sent}, received by the sink: {sink.messages - received_before} "
              f"({distinct} distinct), failed: {counts['mail'].get('failed', 0) - before.get('failed', 0)}, "
              f"still waiting: {waiting}; lost: {max(0, queued - distinct)}")
        bare = baseline[0]["rps"] + baseline[1]["rps"]
        for label, results in (("bare route (baseline)", baseline), ("anonymous event page", anonymous),
                               ("signed-in event page", signed_in)):
            both = results[0]["rps"] + results[1]["rps"]
            print(f"{label}: A {results[0]['rps']:.0f} req/s, B {results[1]['rps']:.0f} req/s, together "
                  f"{both:.0f} req/s, ratio to bare {both / bare:.3f} (p99 {max(r['p99_ms'] for r in results):.0f} "
                  f"ms, non-2xx {sum(r['errors'] for r in results)})")
        print(f"login limit across hosts: {len(on_a)} failed attempts on A answered {sorted(set(on_a))}, "
              f"the next on B answered {on_b} (429 = the limit holds)")


if __name__ == "__main__":
    main()
