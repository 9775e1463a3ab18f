"""Fault soak: the batch of bench/bench_pipeline.py (``SOAK_DOCS``, default 10,000 ASN
interchanges dropped at once) on two Celery workers and beat, with one fault in the middle, and
nobody's help afterwards. Beat polls the folder (every 2 s) and runs the sweeper
``edi.tasks.resume_stalled`` every minute, which queues again whatever stopped moving for 2 min.

    crash     kill -9 a worker (its process group) a quarter of the way through, start a new one
    redis     restart the broker's Redis (``BENCH_REDIS_URL``) a quarter of the way through
              (``redis-cli shutdown nosave``: every queued message is lost; it keeps nothing on
              disk), then start it again with the command in REDIS_START
    postgres  terminate every database connection of the workers and beat
              (``pg_terminate_backend``) three times, 20 s apart, from a quarter of the way through

Each proves by counting that every dropped file ended as exactly one processed interchange, one
ASN and one ERP file, with nothing failed and nothing left in folders:

    BENCH soak_<scenario>_lost <n> interchanges          expected 0
    BENCH soak_<scenario>_duplicated <n> asns            expected 0
    BENCH soak_<scenario>_seconds <s> s                  drop to the last one processed

Redis is always started again, even when the soak fails (other processes use it). On a machine
where others use the Redis on 6379, give the soak a Redis of its own: every Redis command here
(ping, stop, start) goes to the host and port of ``BENCH_REDIS_URL``:

    redis-server --port 6390 --daemonize yes --save "" --appendonly no
    BENCH_REDIS_URL=redis://127.0.0.1:6390/9 .venv/bin/python bench/soak_faults.py

    .venv/bin/python bench/soak_faults.py [crash redis postgres]
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DOCS = int(os.environ.get("SOAK_DOCS", "10000"))
SCENARIOS = ("crash", "redis", "postgres")
# the broker's Redis (bench/pipeline_rig.py reads the same variable); its host and port are the
# ones pinged, stopped and started, never another Redis on the machine
_BROKER = urlsplit(os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
REDIS_HOST, REDIS_PORT = _BROKER.hostname or "127.0.0.1", _BROKER.port or 6379
REDIS_CLI = f"redis-cli -h {REDIS_HOST} -p {REDIS_PORT}"
REDIS_STOP = os.environ.get("REDIS_STOP", f"{REDIS_CLI} shutdown nosave")
REDIS_START = os.environ.get(
    "REDIS_START", f'redis-server --daemonize yes --bind {REDIS_HOST} --port {REDIS_PORT} --save "" --appendonly no '
                   f"--dir /var/lib/redis --logfile /var/log/redis/soak-{REDIS_PORT}.log")


def log(msg: str) -> None:
    print(f"# {time.strftime('%H:%M:%S')} {msg}", flush=True)


def redis_up() -> bool:
    return subprocess.run([*shlex.split(REDIS_CLI), "ping"], capture_output=True, text=True, check=False).stdout.strip() == "PONG"


def redis_restart() -> float:
    """Stop Redis without saving, start it again; seconds it was down. Always leaves it running."""
    started = time.monotonic()
    try:
        subprocess.run(shlex.split(REDIS_STOP), capture_output=True, timeout=30, check=False)
        for _ in range(50):
            if not redis_up():
                break
            time.sleep(0.1)
    finally:
        ensure_redis()
    return time.monotonic() - started


def ensure_redis() -> None:
    if redis_up():
        return
    subprocess.run(shlex.split(REDIS_START), check=False, timeout=30)
    for _ in range(100):
        if redis_up():
            return
        time.sleep(0.1)
    raise RuntimeError("Redis did not come back: start it with " + REDIS_START)


def terminate_connections(db: str) -> int:
    import psycopg

    from bench.pipeline_rig import ADMIN_URL

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as admin:
        rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (db,)).fetchall()
    return len(rows)


def one(scenario: str) -> int:
    from bench.pipeline_rig import Rig

    rig = Rig(f"soak_{scenario}", beat=True)
    try:
        rig.setup()
        rig.start_worker("worker1")
        rig.start_worker("worker2")
        rig.wait_worker_ready()
        rig.start_beat()
        started = time.monotonic()
        rig.drop(DOCS)
        log(f"{scenario}: {DOCS} interchanges dropped")
        state = {"fired": 0, "next": 0.0}

        def fault(counts: dict[str, int]) -> None:
            if counts["processed"] < DOCS // 4 or time.monotonic() < state["next"]:
                return
            if scenario == "crash" and not state["fired"]:
                rig.kill("worker1", signal.SIGKILL)
                log(f"crash: worker1 killed with SIGKILL at {counts}")
                rig.start_worker("worker3")
                state["fired"] = 1
            elif scenario == "redis" and not state["fired"]:
                down = redis_restart()
                log(f"redis: restarted without its data ({down:.1f} s) at {counts}")
                state["fired"] = 1
            elif scenario == "postgres" and state["fired"] < 3:
                n = terminate_connections(rig.db)
                log(f"postgres: {n} connections terminated at {counts}")
                state["fired"] += 1
                state["next"] = time.monotonic() + 20

        last = {"t": 0.0}

        def progress(counts: dict[str, int]) -> None:
            fault(counts)
            if time.monotonic() - last["t"] > 30:
                log(f"{scenario}: {counts}")
                last["t"] = time.monotonic()

        rig.wait_processed(timeout=float(os.environ.get("SOAK_TIMEOUT", max(1800, DOCS * 0.4))), on_progress=progress)
        seconds = time.monotonic() - started
        problems = rig.verdict()
        c = rig.counts()
        print(f"BENCH soak_{scenario}_lost {DOCS - c['processed']} interchanges")
        print(f"BENCH soak_{scenario}_duplicated {c['asns'] - c['distinct_asns'] + max(0, c['asns'] - DOCS)} asns")
        print(f"BENCH soak_{scenario}_seconds {seconds:.0f} s", flush=True)
        if not state["fired"]:
            problems.append("the fault never fired (the batch finished first?)")
        if problems:
            log(f"{scenario}: FAILED {problems}; logs in {rig.tmp}")
            rig.procs and rig.stop_all()
            return 1
        log(f"{scenario}: every interchange processed exactly once")
        return 0
    finally:
        ensure_redis()
        rig.cleanup(keep=bool(os.environ.get("BENCH_KEEP")))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        return one(argv[1])
    failed = 0
    for scenario in argv or SCENARIOS:
        try:
            proc = subprocess.run([sys.executable, __file__, "--one", scenario], cwd=ROOT,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
            failed |= proc.returncode
        finally:
            ensure_redis()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
