"""A real EDI hub for the pipeline benchmark and the fault soaks: PostgreSQL, Redis, Celery
workers and beat as separate processes, and N inbound ASN interchanges dropped at once.

Each scenario gets its own database (a copy of a migrated template, so it starts in a second), its
own queue names on the broker (nothing of other processes on the same Redis is touched) and its
own folders. What the counts prove (``Rig.verdict``): every dropped file became exactly one
processed interchange, one ASN and one ERP outbox file; nothing failed, nothing is left behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
TEMPLATE = "tsunagi_bench_pipeline_tpl"
SECRET_KEY = "bench-pipeline-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCD"
PARTNER = "BENCH-EDI"


def _admin():
    import psycopg

    return psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True)


class Rig:
    def __init__(self, name: str, *, beat: bool = False, poll_seconds: float = 2.0) -> None:
        self.name = name
        self.db = f"tsunagi_bench_{name}"
        self.queue = f"bench-{name}-{uuid.uuid4().hex[:6]}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"tsunagi-{name}-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.beat = beat
        self.poll_seconds = poll_seconds
        self.n = 0

    # --- environment -----------------------------------------------------------------------
    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ, "DATABASE_URL": f"{ADMIN_URL}/{self.db}", "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_RESULT_BACKEND": REDIS_URL, "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "TSUNAGI_VAR_DIR": str(self.tmp / "var"), "SECRET_KEY": SECRET_KEY, "DEBUG": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.tmp / "mail"), "EDI_FILEDROP_SETTLE_SECONDS": "0",
            "EDI_POLL_SECONDS": str(self.poll_seconds), "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "portal.settings", **extra,
        }

    def setup(self) -> None:
        """A fresh database from the template, Django set up on it in this process, the hub's data."""
        with _admin() as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE,)).fetchone():
                admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
        tpl_env = {**self.env(), "DATABASE_URL": f"{ADMIN_URL}/{TEMPLATE}"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=tpl_env, check=True)
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{self.db}" TEMPLATE "{TEMPLATE}"')
        env = self.env()
        os.environ.update({k: env[k] for k in (
            "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CELERY_TASK_DEFAULT_QUEUE", "TSUNAGI_VAR_DIR",
            "SECRET_KEY", "EDI_FILEDROP_SETTLE_SECONDS", "DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND", "EMAIL_FILE_PATH")})
        import django

        django.setup()
        self._data()

    def _data(self) -> None:
        from datetime import date
        from decimal import Decimal

        from edi.models import HubSettings, TradingPartner
        from suppliers import services
        from suppliers.audit import Actor
        from suppliers.models import Part, Plant, SupplierPart

        actor = Actor.system("bench")
        hub = HubSettings.get()
        hub.drop_root, hub.erp_outbox, hub.erp_inbox = (str(self.tmp / "edi"), str(self.tmp / "erp" / "out"),
                                                        str(self.tmp / "erp" / "in"))
        hub.x12_id = hub.edifact_id = "TSUNAGIHUB"
        hub.save()
        plant = Plant.objects.create(code="PLT1", name="Plant 1")
        supplier = services.supplier_create(code="BENCH", name="Bench Ltd", actor=actor)
        supplier.edi_enabled = True
        supplier.save()
        part = Part.objects.create(buyer_part_number="BP-1", description="Capacitor", commodity_class="passive")
        SupplierPart.objects.create(supplier=supplier, part=part, supplier_part_number="SP-1", price=Decimal(1))
        self.order = services.purchase_order_create(
            number="PO-BENCH-1", supplier=supplier, ship_to=plant, order_date=date(2026, 1, 5), actor=actor,
            lines=[services.LineInput(line_no=10, part=part, quantity=Decimal(10**9), price=Decimal(1),
                                      requested_date=date(2026, 2, 1))],
        )
        services.purchase_order_respond(order=self.order, actor=actor, responses=[
            services.LineResponse(line=self.order.lines.get(), status="accepted")])
        self.partner = TradingPartner.objects.create(
            code=PARTNER, name="Bench EDI", supplier=supplier, standard="edifact", version="D96A",
            interchange_id="BENCHEDI", qualifier="ZZZ", transport="filedrop", ack=False)
        self.inbox = self.tmp / "edi" / PARTNER / "in"
        self.outbox = self.tmp / "erp" / "out"

    def drop(self, n: int) -> float:
        """Write n interchanges (one ASN each) into the partner's in folder; returns seconds taken."""
        from edi import codecs

        self.inbox.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        staging = self.tmp / "staging"
        staging.mkdir(exist_ok=True)
        line = self.order.lines.get()
        for k in range(n):
            doc = {
                "type": "despatch_advice", "id": f"ASN-P-{k:06d}", "issued": "2026-03-01", "shipped": "2026-03-01",
                "expected_delivery": "2026-03-04", "order": self.order.number, "supplier": {"id": "BENCH"},
                "ship_to": {"id": "PLT1"}, "carrier": {"name": "DHL Express"}, "tracking": f"TRK{k}",
                "sender": "BENCHEDI", "receiver": "TSUNAGIHUB", "control_number": str(10000 + k),
                "lines": [{"line": "1", "buyer_part": "BP-1", "quantity": "1", "unit": "EA", "order": self.order.number,
                           "order_line": str(line.line_no), "lot": f"L{k}"}],
            }
            data = codecs.write([doc], standard="edifact", sender="BENCHEDI", receiver="TSUNAGIHUB",
                                control_number=str(10000 + k))
            (staging / f"asn-{k:06d}.edi").write_bytes(data)
        # "at once": the whole batch appears in the in folder by renames
        for path in sorted(staging.iterdir()):
            path.replace(self.inbox / path.name)
        self.n += n
        return time.monotonic() - started

    # --- processes -----------------------------------------------------------------------------
    def _queues(self) -> str:
        from portal.queues import CONCERNS, prefix_from

        prefix = prefix_from(explicit=None, default_queue=self.queue)
        return ",".join([self.queue] + [f"{prefix}{c}" for c in CONCERNS])

    def start_worker(self, name: str, concurrency: int = 1) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 - the worker's output, for its lifetime
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", self._queues(), "--loglevel=WARNING",
             f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--prefetch-multiplier=1", f"--hostname={name}-{self.queue}@%h"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_beat(self) -> subprocess.Popen:
        (self.tmp / "var" / "celery").mkdir(parents=True, exist_ok=True)
        log = open(self.tmp / "beat.log", "ab")  # noqa: SIM115 - beat's output, for its lifetime
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=WARNING",
             "-s", str(self.tmp / "var" / "celery" / "beat-schedule")],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs["beat"] = proc
        return proc

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs[name]
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            self.procs.pop(name)

    def cpu_seconds(self, name: str) -> float:
        """User + system CPU of a running process and everything in its process group (a worker's
        pool children), including their waited-for children; 0 when it is gone."""
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited meanwhile
            if int(fields[2]) == proc.pid:  # field 5 of stat: the process group
                ticks += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        return ticks / os.sysconf("SC_CLK_TCK")

    def wait_worker_ready(self, timeout: float = 90) -> None:
        from suppliers.tasks import ping

        result = ping.apply_async(args=["ready"], queue=self.queue)
        result.get(timeout=timeout)

    # --- what happened -----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        from django.db import DatabaseError, connection

        for attempt in range(30):  # the soak cuts database connections, this one's too
            try:
                return self._counts()
            except DatabaseError:
                connection.close()
                time.sleep(1)
        return self._counts()

    def _counts(self) -> dict[str, int]:
        from edi.models import Interchange
        from suppliers.models import DespatchAdvice

        by_state = {}
        for state in ("archived", "parsed", "acknowledged", "processed", "failed", "duplicate"):
            by_state[state] = Interchange.objects.filter(direction="in", state=state).count()
        numbers = DespatchAdvice.objects.filter(number__startswith="ASN-P-")
        return {
            **by_state, "interchanges": Interchange.objects.filter(direction="in").count(),
            "asns": numbers.count(), "distinct_asns": numbers.values("number").distinct().count(),
            "inbox": sum(1 for _ in self.inbox.iterdir()) if self.inbox.exists() else 0,
            "erp_files": len(list(self.outbox.glob("despatch_advice-*.json"))) if self.outbox.exists() else 0,
        }

    def wait_processed(self, timeout: float, *, on_progress=None) -> float:
        """Seconds until every dropped file is a processed interchange (or failed); raises on timeout."""
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            c = self.counts()
            if on_progress:
                on_progress(c)
            if c["processed"] + c["failed"] >= self.n and c["inbox"] == 0:
                return time.monotonic() - started
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}: see {self.tmp / (name + '.log')}")
            time.sleep(1.0)
        raise TimeoutError(f"not done after {timeout:.0f} s: {self.counts()}")

    def verdict(self) -> list[str]:
        """What is wrong with the end state, if anything: the exactly-once proof by counting."""
        time.sleep(2)  # a repeated task still running must not be missed
        c = self.counts()
        problems = []
        for key, want in (("interchanges", self.n), ("processed", self.n), ("asns", self.n),
                          ("distinct_asns", self.n), ("erp_files", self.n), ("failed", 0), ("duplicate", 0),
                          ("inbox", 0)):
            if c[key] != want:
                problems.append(f"{key}: {c[key]} (expected {want})")
        claimed = list((self.tmp / "edi").rglob(".claimed/*"))
        if claimed:
            problems.append(f"{len(claimed)} files left in .claimed")
        return problems

    def cleanup(self, keep: bool = False) -> None:
        self.stop_all()
        from django.db import connections

        connections.close_all()
        if not keep:
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
            shutil.rmtree(self.tmp, ignore_errors=True)
            self._purge_queues()

    def _purge_queues(self) -> None:
        import redis

        r = redis.Redis.from_url(REDIS_URL)
        for name in self._queues().split(","):
            r.delete(name)
