"""The recommended production settings for gunicorn (the booking benchmark serves with these too):

    gunicorn --config python:dialogue.gunicorn_conf wsgi:app

Threaded workers (``gthread``): one process per core, each running several requests in threads. A
request spends much of its time waiting for PostgreSQL (and a booking waits for a slot's row lock);
while one thread waits another runs, where a synchronous worker would sit idle and queue everyone
behind it. Threads need no monkey-patching (gevent would have to patch the standard library and the
database driver), and SQLAlchemy's connection pool (5 connections plus 10 overflow per process) is
larger than the threads of one worker. More processes than cores only add switching: Python runs
one thread of a process at a time.

Every figure can be set from the environment: ``WEB_CONCURRENCY`` (processes, default the number of
cores), ``GUNICORN_THREADS`` (threads per process, default 8), ``GUNICORN_BIND`` (default
127.0.0.1:8000, behind a TLS-terminating proxy).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 8)
# A burst of visitors (a booking window opening) waits in the listen queue instead of being refused.
backlog = 2048
keepalive = 5
timeout = 60
graceful_timeout = 30
# A worker is replaced now and then, so that a slow leak never grows for the life of the server.
max_requests = 20000
max_requests_jitter = 2000
