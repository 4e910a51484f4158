"""Shared pieces for the benchmarks: a PostgreSQL database of their own, gunicorn, wrk.

Every benchmark measures its baseline in the same run, on the same machine, and prints
ratios, because absolute figures on a shared two-core machine mean little.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(prefix: str = "dlg_bench"):
    """A new PostgreSQL database for one benchmark run, dropped afterwards. Yields its URL."""
    from dialogue.core.databases import temporary_database

    return temporary_database(f"{PG_SERVER}/postgres", prefix)


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": "0",
            "RATELIMIT_ENABLED": "0", "MAIL_PORT": "9", **extra}


def flask(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr or result.stdout)
    return result.stdout


def analyze(database_url: str) -> None:
    """Give PostgreSQL the statistics of the data just loaded, as autovacuum would on a production server
    (this machine's server runs with it off, so without this every plan is made on default estimates)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int = 2, threads: int = 1):
    """Serve ``app`` ("wsgi:app" or "bench.bare_app:app") and yield its base URL."""
    port = free_port()
    binary = shutil.which("gunicorn") or "gunicorn"
    process = subprocess.Popen([binary, "--workers", str(workers), "--threads", str(threads), "--bind",
                                f"127.0.0.1:{port}", "--log-level", "warning", app], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(base + "/", timeout=2):
                    break
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP error still means it is up
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start for {app}") from exc
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


# Every request of the benchmarks names this browser: a session signed in by ``session_cookie`` is then
# loaded by wrk from the same address and browser, as a real visitor's is, and never rewritten.
AGENT = "dialogue-bench"


def wrk(url: str, seconds: int = 10, connections: int = 8, threads: int = 2, headers: dict | None = None,
        timeout: int = 2) -> dict:
    """Requests per second and latency percentiles from wrk (a separate load-generator process); requests
    slower than ``timeout`` seconds count as timeouts, not in the latencies."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{timeout}s",
               "--latency", url]
    for key, value in {"User-Agent": AGENT, **(headers or {})}.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    percentiles = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1)) for p in ("50", "90", "99")}
    return {"rps": rps, "p50_ms": percentiles["50"], "p90_ms": percentiles["90"], "p99_ms": percentiles["99"],
            "errors": int(non_2xx.group(1)) if non_2xx else 0}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def session_cookie(base: str, email: str, password: str) -> str:
    """Sign in through the real form, as the browser ``wrk`` names, and return the Cookie header value."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password}).encode()
    opener.open(base + "/login", data=data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def ratio_line(name: str, value: float, baseline: float, goal: str) -> str:
    return f"{name:<34} {value:10.1f} vs baseline {baseline:10.1f}  ratio {value / baseline:6.3f}  goal {goal}"
