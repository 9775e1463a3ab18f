"""Load: 50 concurrent supplier users on gunicorn + PostgreSQL + Redis, with production-sized data.

Data (bench/loaddata.py, bulk SQL into the separate database ``tsunagi_bench_load``): 1,000
suppliers, 50,000 purchase orders with 200,000 lines, 50,000 ASNs, a 20-part forecast per supplier
(~460,000 buckets), 100,000 audit events. Created once and reused while its seed version matches
(``--fresh`` rebuilds it). Web: gunicorn with deploy/gunicorn.conf.py (its default workers for
this machine), ``DEBUG=0``, sessions in PostgreSQL, cache and broker on Redis.

Load (bench/locustfile.py, locust headless, one process): 50 users, each logged in as a different
supplier, browse the dashboard, the PO list (pages and filters), PO detail pages and the current
forecast with 1-3 s of think time; 10 s of ramp-up are not counted, then LOAD_SECONDS (default 90).

    BENCH load_p95_all <ms> ms               every request
    BENCH load_p95_<page> <ms> ms            dashboard, po_list, po_detail, forecast
    BENCH load_p50_all <ms> ms
    BENCH load_requests_per_second <n> req/s
    BENCH load_failures <n> requests         anything but a 200 with the page's own content
    BENCH load_web_cpu_per_request <ms> ms   CPU of the gunicorn processes per request: the cost
                                             that does not depend on what else the (shared)
                                             machine is doing

Exits 1 when a request failed or the p95 of any page is over 100 ms (the target of issue 9).

    .venv/bin/python bench/bench_load.py [--fresh] [--users 50] [--seconds 90]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_LOAD_DB", "tsunagi_bench_load")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SECRET_KEY = "bench-load-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"
OUT = ROOT / "bench" / "out"
STATIC = Path(os.environ.get("BENCH_STATIC_ROOT", "/tmp/tsunagi-bench-static"))
TARGET_P95_MS = 100.0
PAGES = ("dashboard", "po_list", "po_detail", "forecast")


def web_env(port: int) -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": f"{ADMIN_URL}/{DB}", "CELERY_BROKER_URL": REDIS, "CACHE_URL": REDIS,
        "SECRET_KEY": SECRET_KEY, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "STATIC_ROOT": str(STATIC),
        "GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }


def prepare_database(fresh: bool) -> None:
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB,)).fetchone()
        if exists and not fresh:
            with psycopg.connect(f"{ADMIN_URL}/{DB}") as conn:
                from bench.loaddata import SEED_VERSION

                try:
                    row = conn.execute("SELECT version FROM bench_seed").fetchone()
                except psycopg.errors.UndefinedTable:
                    row = None
                if row and row[0] == SEED_VERSION:
                    print(f"# reusing {DB}", flush=True)
                    # migrations added since the seed apply on top of it
                    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT,
                                   env=web_env(0), check=True)
                    return
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=web_env(0), check=True)
    from django.contrib.auth.hashers import make_password

    from bench.loaddata import seed

    with psycopg.connect(f"{ADMIN_URL}/{DB}") as conn:
        counts = seed(conn, password_hash=make_password("load-test-password-1"))
    print(f"# seeded {DB} in {time.monotonic() - started:.0f} s: {counts}", flush=True)


def make_plan(users: int) -> Path:
    """One logged-in session per virtual user (each a different supplier), with its pages' ids."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from suppliers.forecasts.models import ForecastVersion
    from suppliers.models import PurchaseOrder, SupplierMembership

    assert settings.SECRET_KEY == SECRET_KEY
    members = list(SupplierMembership.objects.select_related("user", "supplier").order_by("supplier__code"))
    step = max(1, len(members) // users)
    rng = random.Random(9)
    plan = []
    for membership in members[::step][:users]:
        session = SessionStore()
        session[SESSION_KEY] = str(membership.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
        session.create()
        orders = list(PurchaseOrder.objects.filter(supplier=membership.supplier).values_list("pk", "number"))
        forecast = ForecastVersion.objects.filter(supplier=membership.supplier, superseded_at=None).first()
        plan.append({"session": session.session_key, "supplier": membership.supplier.code,
                     "orders": rng.sample(orders, min(20, len(orders))), "forecast": forecast.pk})
    path = OUT / "load-plan.json"
    path.write_text(json.dumps(plan))
    return path


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU of every process in a process group (gunicorn's arbiter and workers),
    including their waited-for children (workers recycled by max_requests)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            ticks += sum(int(f) for f in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer")


def run(users: int, seconds: int, fresh: bool) -> int:
    OUT.mkdir(exist_ok=True)
    os.environ.update({k: v for k, v in web_env(0).items() if k in (
        "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "SECRET_KEY", "DEBUG", "STATIC_ROOT",
        "DJANGO_SETTINGS_MODULE")})
    import django

    django.setup()
    prepare_database(fresh)
    plan = make_plan(users)
    if not (STATIC / "staticfiles.json").exists():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                       env=web_env(0), check=True)
    port = free_port()
    log = open(OUT / "load-gunicorn.log", "wb")  # noqa: SIM115 - the server's output, for its lifetime
    web = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--access-logfile",
                            "/dev/null", "portal.wsgi"], cwd=ROOT, env=web_env(port), stdout=log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        prefix = OUT / "load"
        ramp = 10
        cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(max(1, users // ramp)), "-t", f"{seconds + ramp}s", "--reset-stats",
               "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", "--stop-timeout", "5"]
        locust = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "LOAD_PLAN": str(plan)}, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        time.sleep(ramp)  # the statistics are reset after the ramp-up; so is the CPU count
        cpu_before = group_cpu_seconds(web.pid)
        stdout, stderr = locust.communicate()
        web_cpu = group_cpu_seconds(web.pid) - cpu_before
        proc = subprocess.CompletedProcess(cmd, locust.returncode, stdout, stderr)
        if proc.returncode not in (0, 1):  # 1: some requests failed, reported below
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
            return 2
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
    return report(prefix, web_cpu=web_cpu)


def report(prefix: Path, *, web_cpu: float | None = None) -> int:
    with open(f"{prefix}_stats.csv") as fh:
        rows = {r["Name"]: r for r in csv.DictReader(fh)}
    total = rows["Aggregated"]
    failures = sum(int(r["Failure Count"]) for r in rows.values() if r["Name"] != "Aggregated")
    worst = 0.0
    for page in PAGES:
        row = rows.get(page)
        if row is None or not int(row["Request Count"]):
            print(f"# no request for {page}", file=sys.stderr)
            failures += 1
            continue
        p95 = float(row["95%"])
        worst = max(worst, p95)
        print(f"BENCH load_p95_{page} {p95:.0f} ms")
    print(f"BENCH load_p95_all {float(total['95%']):.0f} ms")
    print(f"BENCH load_p50_all {float(total['50%']):.0f} ms")
    print(f"BENCH load_requests_per_second {float(total['Requests/s']):.1f} req/s")
    print(f"BENCH load_requests {int(total['Request Count'])} requests")
    print(f"BENCH load_failures {failures} requests")
    if web_cpu is not None:
        print(f"BENCH load_web_cpu_per_request {web_cpu * 1000 / max(int(total['Request Count']), 1):.1f} ms")
    failed_rows = Path(f"{prefix}_failures.csv")
    if failures and failed_rows.exists():
        sys.stderr.write(failed_rows.read_text()[:3000])
    ok = failures == 0 and worst <= TARGET_P95_MS
    print(f"# target p95 <= {TARGET_P95_MS:.0f} ms and no failure: {'met' if ok else 'NOT MET'}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="rebuild the database")
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", "50")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", "90")))
    args = parser.parse_args()
    sys.exit(run(args.users, args.seconds, args.fresh))
