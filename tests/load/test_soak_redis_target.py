"""The fault soak stops and starts the broker's Redis, and only that one: the host and port of
``BENCH_REDIS_URL``, so a soak run with a Redis of its own never restarts the shared one on 6379."""

from __future__ import annotations

import importlib
import sys

import pytest


def load(monkeypatch, url: str | None):
    if url is None:
        monkeypatch.delenv("BENCH_REDIS_URL", raising=False)
    else:
        monkeypatch.setenv("BENCH_REDIS_URL", url)
    for name in ("REDIS_STOP", "REDIS_START"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("bench.soak_faults", None)
    return importlib.import_module("bench.soak_faults")


@pytest.fixture(autouse=True)
def _fresh_module():
    yield
    sys.modules.pop("bench.soak_faults", None)


def test_a_private_redis_is_the_one_pinged_stopped_and_started(monkeypatch):
    soak = load(monkeypatch, "redis://127.0.0.1:6390/9")
    assert soak.REDIS_CLI == "redis-cli -h 127.0.0.1 -p 6390"
    assert soak.REDIS_STOP == "redis-cli -h 127.0.0.1 -p 6390 shutdown nosave"
    assert "--port 6390" in soak.REDIS_START and "6379" not in soak.REDIS_START


def test_the_default_is_the_machines_redis(monkeypatch):
    soak = load(monkeypatch, None)
    assert soak.REDIS_STOP == "redis-cli -h 127.0.0.1 -p 6379 shutdown nosave"
    assert "--port 6379" in soak.REDIS_START


def test_ping_asks_the_configured_port(monkeypatch):
    soak = load(monkeypatch, "redis://127.0.0.1:6390/9")
    seen = []

    class Done:
        stdout = "PONG\n"

    monkeypatch.setattr(soak.subprocess, "run", lambda cmd, **kw: seen.append(cmd) or Done())
    assert soak.redis_up()
    assert seen == [["redis-cli", "-h", "127.0.0.1", "-p", "6390", "ping"]]
