"""With REDIS_URL set, every app process counts the same log-in attempts: a limit holds across hosts.

The second instance runs in a process of its own (one process shares one limiter object, so two apps
in the same process would agree whatever the storage). Needs Redis at REDIS_URL or 127.0.0.1:6379;
without it the tests skip, unless DIALOGUE_REQUIRE_REDIS=1 (CI) makes them fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
import redis
from limits import parse_many

from dialogue import create_app
from dialogue.config import load_config
from tests.conftest import base_config

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

INSTANCE_B = """
import json, sys
from dialogue import create_app
config = json.loads(sys.argv[1])
client = create_app(config).test_client()
response = client.post("/login", data={"email": sys.argv[2], "password": "not the password"},
                       environ_base={"REMOTE_ADDR": "203.0.113.7"})
print(response.status_code)
"""


@pytest.fixture
def shared_redis():
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if os.environ.get("DIALOGUE_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and DIALOGUE_REQUIRE_REDIS=1")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    prefix = f"dialogue-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def config_overrides(shared_redis) -> dict:
    # Unset storage URI: the limiter falls back to REDIS_URL, which is what is under test.
    return {"RATELIMIT_STORAGE_URI": "", "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": shared_redis}


def per_minute_login_limit(app) -> int:
    return min(item.amount for item in parse_many(app.config["LOGIN_RATE_LIMIT"]) if item.GRANULARITY.name == "minute")


def attempt_on_instance_b(app, email: str, **overrides) -> int:
    keys = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "TESTING", "WTF_CSRF_ENABLED", "UPLOAD_DIR", "REDIS_URL",
            "RATELIMIT_STORAGE_URI", "RATELIMIT_KEY_PREFIX", "SESSION_COOKIE_SECURE", "MAIL_PORT")
    config = {key: app.config[key] for key in keys} | overrides
    result = subprocess.run([sys.executable, "-c", INSTANCE_B, json.dumps(config), email],
                            capture_output=True, text=True, timeout=120, check=True)
    return int(result.stdout.strip().splitlines()[-1])


def test_the_limiter_counts_in_redis_when_redis_url_is_set_and_in_memory_otherwise(database_url, tmp_path):
    env = {"REDIS_URL": "redis://cache.internal:6379/0"}
    assert load_config(tmp_path, env)["REDIS_URL"] == "redis://cache.internal:6379/0"
    assert load_config(tmp_path, env)["RATELIMIT_STORAGE_URI"] == ""  # unset: REDIS_URL decides
    settings = base_config(database_url, tmp_path)

    def storage_of(**overrides) -> str:
        return create_app({**settings, **overrides}).config["RATELIMIT_STORAGE_URI"]

    assert storage_of(RATELIMIT_STORAGE_URI="", REDIS_URL=REDIS_URL) == REDIS_URL
    assert storage_of(RATELIMIT_STORAGE_URI="", REDIS_URL="") == "memory://"
    assert storage_of(RATELIMIT_STORAGE_URI="memory://", REDIS_URL=REDIS_URL) == "memory://"  # explicit wins


def test_the_login_limit_holds_across_two_app_instances(app, client):
    limit = per_minute_login_limit(app)
    assert limit == 10  # the figure the README promises; a change there should be a change here too
    statuses = [client.post("/login", data={"email": f"guess{n}@example.org", "password": "not the password"},
                            environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code for n in range(limit)]
    assert 429 not in statuses  # distinct addresses: no per-address throttle, only the per-IP limit counts

    # Instance B, a separate process with its own app, sees A's attempts through Redis and refuses.
    assert attempt_on_instance_b(app, "another@example.org") == 429
    # The same attempt counted in B's own memory is let through: the refusal above came from Redis.
    assert attempt_on_instance_b(app, "another@example.org", RATELIMIT_STORAGE_URI="memory://") != 429
