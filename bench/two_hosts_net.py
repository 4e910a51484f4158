"""The machinery of bench/two_hosts.py: two network namespaces, the shared services they reach, cleanup.

Layout (a private /24, 10.231.0.0/24 unless --net says otherwise):

    root namespace   bridge dlg2h-br 10.231.0.1 -- PostgreSQL and Redis (through socat forwarders,
                     bound to 10.231.0.1 only), the moto S3 server, the SMTP sink, the load driver
    host A           namespace dlg2h-a, eth0 10.231.0.2 (veth to the bridge): gunicorn + queue worker
    host B           namespace dlg2h-b, eth0 10.231.0.3: gunicorn + queue worker

The forwarders keep PostgreSQL and Redis exactly as configured (listening on 127.0.0.1, with their
pg_hba and protected mode): a connection from a namespace reaches them as a local one. Everything made
here is removed on exit, also after Ctrl-C or an error, and a leftover of a killed run is removed first.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "dlg2h"
BRIDGE = f"{PREFIX}-br"


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=check, capture_output=True, text=True)


def wait_for_port(host: str, port: int, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"nothing answers on {host}:{port}") from None
            time.sleep(0.2)


def _remove_network(names: list[str]) -> None:
    for name in names:
        run("ip", "netns", "delete", f"{PREFIX}-{name}", check=False)  # takes its veth end along
        run("ip", "link", "delete", f"{PREFIX}-{name}", check=False)
    run("ip", "link", "delete", BRIDGE, check=False)


@contextmanager
def network(net: str, names: list[str]):
    """A bridge at ``net``.1 and one namespace per name at ``net``.2, .3 ...; yields {name: address}."""
    if not shutil.which("ip"):
        raise SystemExit("needs iproute2 (ip) and root")
    _remove_network(names)
    addresses = {}
    try:
        run("ip", "link", "add", BRIDGE, "type", "bridge")
        run("ip", "addr", "add", f"{net}.1/24", "dev", BRIDGE)
        run("ip", "link", "set", BRIDGE, "up")
        for n, name in enumerate(names, start=2):
            namespace, outside = f"{PREFIX}-{name}", f"{PREFIX}-{name}"
            run("ip", "netns", "add", namespace)
            run("ip", "link", "add", outside, "type", "veth", "peer", "name", f"{PREFIX}-{name}-in")
            run("ip", "link", "set", f"{PREFIX}-{name}-in", "netns", namespace)
            run("ip", "link", "set", outside, "master", BRIDGE, "up")
            run("ip", "-n", namespace, "link", "set", f"{PREFIX}-{name}-in", "name", "eth0")
            run("ip", "-n", namespace, "addr", "add", f"{net}.{n}/24", "dev", "eth0")
            run("ip", "-n", namespace, "link", "set", "eth0", "up")
            run("ip", "-n", namespace, "link", "set", "lo", "up")
            addresses[name] = f"{net}.{n}"
        yield addresses
    finally:
        _remove_network(names)


@contextmanager
def process(command: list[str], *, env: dict | None = None, namespace: str | None = None, log: Path | None = None):
    """A background process (in a namespace if given), stopped with SIGTERM, then SIGKILL, on exit."""
    if namespace:
        command = ["ip", "netns", "exec", f"{PREFIX}-{namespace}", *command]
    out = open(log, "ab") if log else subprocess.DEVNULL
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if log:
            out.close()


def forwarder(stack: ExitStack, bind: str, port: int, target: str = "127.0.0.1") -> None:
    """Expose a service listening on the loopback at ``bind:port`` (socat, one process per connection)."""
    if not shutil.which("socat"):
        raise SystemExit("needs socat: apt-get install -y socat")
    child = stack.enter_context(process(["socat", f"TCP-LISTEN:{port},bind={bind},fork,reuseaddr,backlog=1024",
                                         f"TCP:{target}:{port}"]))
    wait_for_port(bind, port, child)


def moto_server(stack: ExitStack, bind: str, port: int, log: Path) -> str:
    child = stack.enter_context(process([sys.executable, "-m", "moto.server", "-H", bind, "-p", str(port)], log=log))
    wait_for_port(bind, port, child)
    return f"http://{bind}:{port}"


class MailSink:
    """An SMTP server that only counts: messages, and distinct Message-IDs (a message sent twice shows)."""

    def __init__(self):
        self.messages = 0
        self.ids: set[str] = set()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message_id = message_from_bytes(envelope.original_content or envelope.content).get("Message-ID", "")
        with self._lock:
            self.messages += 1
            self.ids.add(message_id)
        return "250 OK"


@contextmanager
def mail_sink(bind: str, port: int):
    from aiosmtpd.controller import Controller

    sink = MailSink()
    controller = Controller(sink, hostname=bind, port=port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
