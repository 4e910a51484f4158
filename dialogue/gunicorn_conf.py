"""The recommended production settings for gunicorn (the booking benchmark serves with these too):

    gunicorn --config python:dialogue.gunicorn_conf wsgi:app

Threaded workers (``gthread``): two processes per core, two threads each. A request spends part of
its time waiting for PostgreSQL (and a booking waits for a slot's row lock); while one thread waits
another runs, where a synchronous worker would sit idle and queue everyone behind it. Threads need no
monkey-patching (gevent would have to patch the standard library and the database driver).

Why two and two: Python runs one thread of a process at a time, and a thread coming back from the
database waits for the others to let it run. With 500 bookings arriving at once on 2 cores
(``bench/booking_bench.py``), 4 processes of 2 threads answered 111-214 per second, 2 processes of 8
threads (the earlier setting) 77-151, 2 of 2 threads 97-145 and 4 of 4 threads 133-151, in alternated
runs: more processes keep both cores busy while some requests wait, fewer threads spend less time
handing the interpreter over. Since a refused booking reads 2 statements instead of 5, 4 x 2 answered
240-301 per second; 4 synchronous processes answered about a tenth more (264-357) and 4 x 1 about
the same (251-298). The threads stay: they hold idle keep-alive connections, and a slow client does
not tie up a whole process when the proxy in front does not buffer. Each process opens at most one
database connection per thread, so PostgreSQL's ``max_connections`` must cover processes x threads
on every host (plus the job workers).

Every figure can be set from the environment: ``WEB_CONCURRENCY`` (processes, default twice the
number of cores), ``GUNICORN_THREADS`` (threads per process, default 2), ``GUNICORN_BIND`` (default
127.0.0.1:8000, behind a TLS-terminating proxy).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
# A burst of visitors (a booking window opening) waits in the listen queue instead of being refused.
backlog = 2048
keepalive = 5
timeout = 60
graceful_timeout = 30
# A worker is replaced now and then, so that a slow leak never grows for the life of the server.
max_requests = 20000
max_requests_jitter = 2000
