"""AS2 receive throughput and exactly-once, end to end: gunicorn + PostgreSQL + the real pipeline.

    .venv/bin/python bench/bench_as2.py [--messages 1500] [--senders 8] [--workers 4] [--threads 4]

What it does:
1. creates a database of its own (``tsunagi_bench_as2``, dropped at the end; never the developers'
   one), migrates it and configures a hub key pair, an AS2 supplier and an open purchase order;
2. builds the messages in this process with our library before the clock starts: a 10 KB X12 856
   ASN per message, signed (SHA-256) and encrypted (AES-256) for the hub, asking for a signed
   synchronous MDN. Each message has a fresh Message-ID, and its own ASN and control numbers (a
   replay of one interchange would, correctly, be collapsed by the pipeline's control-number
   duplicate check, and "processed exactly once" could not be checked per message);
3. starts gunicorn (``--workers``/``--threads``, gthread) on the bench database with Redis as the
   Celery broker, and sends every message from ``--senders`` threads over keep-alive http.client
   connections, timing each request; the receive path is everything the real one does (decrypt,
   verify, archive with fsync, insert, sign the MDN, queue processing on commit);
4. checks every MDN afterwards (signature, Original-Message-ID, MIC) with the library;
5. starts a Celery worker that drains the queue (or runs ``edi run-once`` with ``--drain run-once``)
   and checks that every acknowledged Message-ID is stored exactly once, processed, and became
   exactly one DespatchAdvice.

Prints ``BENCH as2_* <value> <unit>`` lines: msgs_per_s, p50/p95 latency, errors, exactly_once
(1/0), drain time, and the CPU the web processes spent per message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = f"tsunagi_bench_as2_{os.getpid()}"  # its own, so two runs never collide
HUB_ID, PARTNER_ID = "TSUNAGI", "BENCH-PARTNER"
POSITIVE = re.compile(rb"Disposition: *automatic-action/MDN-sent-automatically; *processed\r\n")


def log(msg: str) -> None:
    print(f"# {msg}", flush=True)


# --- database and processes ---------------------------------------------------------------------

def server_url() -> str:
    """The PostgreSQL server of DATABASE_URL (default: the local one), without a database name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    return url.rsplit("/", 1)[0]


def recreate_database() -> str:
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"{server_url()}/{DB_NAME}"


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def machine_busy() -> float:
    """CPU seconds spent by the whole machine (all processes, all cores) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def database_backends() -> list[int]:
    """The PostgreSQL server processes serving the bench database (gunicorn's connections)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")
        return [row[0] for row in cursor.fetchall()]


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


# --- data ---------------------------------------------------------------------------------------

def make_keys(folder: Path) -> dict[str, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    paths = {}
    for who in ("hub", "partner"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"bench {who}")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=365)).sign(key, hashes.SHA256()))
        paths[f"{who}_key"] = folder / f"{who}.key"
        paths[f"{who}_cert"] = folder / f"{who}.crt"
        paths[f"{who}_key"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
        paths[f"{who}_cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return paths


def configure(keys: dict[str, Path], work: Path) -> dict:
    """Hub, an AS2 supplier with an open order, through the same services the console uses."""
    from decimal import Decimal

    from edi.models import HubSettings, TradingPartner
    from suppliers import services
    from suppliers.audit import Actor
    from suppliers.models import Part, Plant

    actor = Actor.system("bench")
    hub = HubSettings.get()
    hub.as2_id, hub.x12_id = HUB_ID, "TSUNAGIHUB"
    hub.as2_key_path, hub.as2_cert_path = str(keys["hub_key"]), str(keys["hub_cert"])
    hub.drop_root, hub.erp_outbox, hub.erp_inbox = str(work / "edi"), str(work / "erp/out"), str(work / "erp/in")
    hub.save()
    from django.db import transaction

    with transaction.atomic():
        supplier = services.supplier_create(code="BENCHSUP", name="Bench Components", actor=actor)
        plant = Plant.objects.create(code="BENCH1", name="Bench plant")
        parts = [Part.objects.create(buyer_part_number=f"BP-{n:03d}", description=f"Bench part {n}",
                                     commodity_class="passive", unit="PCE") for n in range(12)]
        order = services.purchase_order_create(
            number="PO-BENCH-1", supplier=supplier, ship_to=plant, order_date=dt.date(2026, 3, 1), actor=actor,
            lines=[services.LineInput(line_no=10 * (n + 1), part=p, quantity=Decimal(10**9), price=Decimal("0.01"),
                                      requested_date=dt.date(2026, 4, 1)) for n, p in enumerate(parts)],
        )
        supplier.edi_enabled = True
        supplier.save(update_fields=["edi_enabled"])
        TradingPartner.objects.create(
            code="BENCH", name="Bench AS2 partner", supplier=supplier, standard="x12", version="004010",
            interchange_id="BENCHX12", qualifier="ZZ", transport="as2", ack=False, as2_id=PARTNER_ID,
            as2_url="http://127.0.0.1:9/as2", as2_certificate=keys["partner_cert"].read_text(),
        )
    return {"order": order.number, "parts": [p.buyer_part_number for p in parts], "plant": plant.code,
            "lines": [str(10 * (n + 1)) for n in range(len(parts))]}


LINES = 32  # with descriptions: a ~7.6 KB X12 856, ~10 KB once signed and encrypted
DESCRIPTION = "MLCC 100nF 50V X7R 0603 automotive grade AEC-Q200, reel of 4000 pieces"[:70]


def asn(n: int, setup: dict) -> dict:
    lines = []
    for i in range(1, LINES + 1):
        part, order_line = setup["parts"][(i - 1) % len(setup["parts"])], setup["lines"][(i - 1) % len(setup["lines"])]
        lines.append({"line": str(i), "buyer_part": part, "quantity": "2", "unit": "PCE", "order": setup["order"],
                      "order_line": order_line, "lot": f"L{n:06d}{i:02d}", "serials": [f"SN{n:07d}{i:02d}"],
                      "description": DESCRIPTION, "supplier_part": f"GRM188R71H104KA93D-{i}",
                      "gtin": f"0400638100{i:04d}"})
    return {"type": "despatch_advice", "id": f"ASN{n:08d}", "issued": "2026-03-02", "shipped": "2026-03-02",
            "expected_delivery": "2026-03-05", "order": setup["order"], "supplier": {"id": "BENCHSUP"},
            "ship_to": {"id": setup["plant"]}, "carrier": {"name": "Bench Express"},
            "tracking": f"TRK{n:010d}", "lines": lines}


def build_messages(count: int, setup: dict, keys: dict[str, Path]) -> list:
    from edi import codecs
    from edi.transports import as2

    our_key, our_cert = as2.load_key(keys["partner_key"]), as2.load_cert(keys["partner_cert"])
    hub_cert = as2.load_cert(keys["hub_cert"])
    messages, payload_bytes = [], 0
    for n in range(count):
        doc = asn(n, setup)
        data = codecs.write([{**doc, "sender": "BENCHX12", "receiver": "TSUNAGIHUB", "control_number": str(n + 1)}],
                            standard="x12", sender="BENCHX12", receiver="TSUNAGIHUB", control_number=n + 1)
        payload_bytes = payload_bytes or len(data)
        messages.append(as2.build_outbound(
            data, as2_from=PARTNER_ID, as2_to=HUB_ID, our_key=our_key, our_cert=our_cert, partner_cert=hub_cert,
            sign="sha256", encrypt="aes256", mdn="sync", mdn_signed=True, filename=f"asn-{n:06d}.x12",
            message_id_domain="bench-partner.invalid",
        ))
    log(f"payload: an X12 856 of {payload_bytes} bytes, {LINES} lines")
    return messages


# --- sending ------------------------------------------------------------------------------------

def send_all(port: int, messages: list, senders: int, *, keep_alive: bool = True) -> tuple[float, list]:
    """Send every message from ``senders`` keep-alive connections; returns (seconds, results).

    Without ``keep_alive`` every message gets a new connection (the warm-up: so that every
    gunicorn worker, which keeps the connections it accepted, has served requests before the clock
    starts, and has imported what a first request imports).
    """
    work: queue.Queue = queue.Queue()
    for i, m in enumerate(messages):
        work.put(i)
    results: list = [None] * len(messages)
    start = threading.Barrier(senders + 1)

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        while True:
            try:
                i = work.get_nowait()
            except queue.Empty:
                break
            m = messages[i]
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/as2/", body=m.body, headers={**m.headers, "Content-Length": str(len(m.body))})
                r = conn.getresponse()
                body = r.read()
                results[i] = (time.perf_counter() - t0, r.status, dict(r.getheaders()), body)
                if not keep_alive or r.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                results[i] = (time.perf_counter() - t0, 0, {}, repr(exc).encode())
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, results


# --- checks -------------------------------------------------------------------------------------

def verify_mdns(messages: list, results: list, hub_cert_path: Path) -> tuple[set[str], int]:
    """Message-IDs whose MDN verifies (signature, Original-Message-ID, MIC) and is 'processed'."""
    from edi.transports import as2

    hub_cert = as2.load_cert(hub_cert_path)
    acked, bad = set(), 0
    for m, (_t, status, headers, body) in zip(messages, results):
        try:
            receipt = as2.parse_mdn(headers, body, status=status, partner_certs=[hub_cert],
                                    expected_message_id=m.message_id, expected_mic=m.mic, expected_mic_alg=m.mic_alg)
        except as2.AS2Error:
            bad += 1
            continue
        if receipt.ok and receipt.disposition == "processed":
            acked.add(m.message_id)
        else:
            bad += 1
    return acked, bad


def drain(env: dict, how: str, expected: int, timeout: float) -> float:
    """Run the pipeline until every stored interchange reached a final state; returns seconds."""
    from edi.models import Interchange

    t0 = time.perf_counter()
    with open(Path(env["BENCH_LOG_DIR"]) / "worker.log", "ab") as worker_log:
        worker = None
        if how == "worker":
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--loglevel=WARNING", "--concurrency=2",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 f"--hostname=bench-as2-{os.getpid()}@%h"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=worker_log, start_new_session=True,
            )
        else:
            subprocess.run([sys.executable, "manage.py", "edi", "run-once"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=worker_log)
        try:
            deadline = time.monotonic() + timeout
            pending = Interchange.objects.filter(direction="in",
                                                 state__in=["received", "archived", "parsed", "acknowledged"])
            while time.monotonic() < deadline and pending.exists():
                time.sleep(0.5)
        finally:
            stop(worker)
    return time.perf_counter() - t0


def exactly_once(acked: set[str]) -> tuple[bool, str]:
    from django.db.models import Count

    from edi.models import Interchange, InterchangeMessage
    from suppliers.models import DespatchAdvice

    stored = dict(Interchange.objects.filter(direction="in").exclude(state="duplicate")
                  .values_list("as2_message_id").annotate(n=Count("id")))
    if any(n != 1 for n in stored.values()):
        return False, "a Message-ID was stored twice"
    if set(stored) != acked:
        return False, f"stored {len(stored)} Message-IDs, acknowledged {len(acked)}"
    states = dict(Interchange.objects.filter(direction="in", as2_message_id__in=acked)
                  .values_list("state").annotate(n=Count("id")))
    if states != {"processed": len(acked)}:
        failed = Interchange.objects.filter(direction="in").exclude(state="processed").values_list("error", flat=True)[:3]
        return False, f"interchange states {states}; e.g. {list(failed)}"
    messages = InterchangeMessage.objects.filter(interchange__direction="in", state="processed").count()
    advices = DespatchAdvice.objects.filter(supplier__code="BENCHSUP").values("number").annotate(n=Count("id"))
    if messages != len(acked) or len(advices) != len(acked) or any(a["n"] != 1 for a in advices):
        return False, f"{messages} processed messages, {len(advices)} despatch advices for {len(acked)} messages"
    return True, "ok"


# --- main ---------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=1500)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--senders", type=int, default=8)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--drain", choices=["worker", "run-once", "none"], default="worker",
                    help="how the queue is drained before the exactly-once check (none: skip both, for tuning)")
    ap.add_argument("--drain-timeout", type=float, default=900)
    ap.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/0"))
    ap.add_argument("--keep", action="store_true", help="keep the database and the work folder")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-as2-"))
    queue_name = f"tsunagi-bench-as2-{os.getpid()}"
    if args.broker.startswith("redis://") and not _redis_up(args.broker):
        log(f"no Redis at {args.broker}: using the filesystem broker")
        args.broker = "filesystem://"
    if args.broker.startswith("filesystem://") and args.drain == "worker":
        args.drain = "run-once"  # a worker would need the same folder; run-once reads the database
    db_url = recreate_database()
    env = {
        **os.environ, "DATABASE_URL": db_url, "TSUNAGI_VAR_DIR": str(work / "var"), "PYTHONPATH": str(ROOT),
        "CELERY_BROKER_URL": args.broker, "CELERY_RESULT_BACKEND": args.broker if args.broker.startswith("redis")
        else f"file://{work / 'results'}", "CELERY_TASK_DEFAULT_QUEUE": queue_name,
        "CELERY_QUEUE_PREFIX": f"{queue_name}-",
        "SECRET_KEY": "bench-as2-" + "x" * 50, "DEBUG": "0", "LOG_LEVEL": "WARNING", "CONN_MAX_AGE": "600",
        "BENCH_LOG_DIR": str(work),
    }
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "TSUNAGI_VAR_DIR", "CELERY_BROKER_URL",
                                            "CELERY_RESULT_BACKEND", "CELERY_TASK_DEFAULT_QUEUE",
                                            "CELERY_QUEUE_PREFIX", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    web = None
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        keys = make_keys(work)
        setup = configure(keys, work)
        t0 = time.perf_counter()
        messages = build_messages(args.warmup + args.messages, setup, keys)
        size = len(messages[0].body)
        log(f"built {len(messages)} messages of {size} bytes ({len(messages[0].headers)} headers) "
            f"in {time.perf_counter() - t0:.1f} s")

        port = free_port()
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--threads", str(args.threads), "--worker-class", "gthread",
             "--keep-alive", "30", "--backlog", "256", "--error-logfile", str(work / "gunicorn.log")],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        wait_port(port, web)
        _, warm = send_all(port, messages[:args.warmup], args.senders, keep_alive=False)
        warm_errors = sum(1 for r in warm if r[1] != 200 or not POSITIVE.search(r[3]))
        pids = [web.pid] + children(web.pid)
        db_pids = database_backends()
        cpu0, db0, own0, load0 = cpu_seconds(pids), cpu_seconds(db_pids), time.process_time(), os.getloadavg()[0]
        busy0 = machine_busy()
        log(f"warm-up done ({args.warmup} messages, {warm_errors} errors); timing {args.messages} messages")
        seconds, results = send_all(port, messages[args.warmup:], args.senders)
        # backends that connected during the run count whole (they were born in it)
        late = [pid for pid in database_backends() if pid not in db_pids]
        cpu1, own1, busy1 = cpu_seconds(pids), time.process_time(), machine_busy()
        db1 = cpu_seconds(db_pids) + cpu_seconds(late)
        load1 = os.getloadavg()[0]
        stop(web)
        web = None

        timed = [r for r in results]
        errors = sum(1 for r in timed if r[1] != 200 or not POSITIVE.search(r[3])) + warm_errors
        latencies = sorted(r[0] * 1000 for r in timed)
        acked, bad_mdns = verify_mdns(messages, warm + results, keys["hub_cert"])
        n = len(timed)
        web_ms, db_ms, own_ms = ((b - a) * 1000 / n for a, b in ((cpu0, cpu1), (db0, db1), (own0, own1)))
        machine_ms = (busy1 - busy0) * 1000 / n
        log(f"sent {n} in {seconds:.2f} s with {args.senders} senders to gunicorn {args.workers}x{args.threads}; "
            f"{len(acked)} MDNs verified, {bad_mdns} not")
        log(f"CPU per message: web {web_ms:.1f} ms, PostgreSQL {db_ms:.1f} ms, senders {own_ms:.1f} ms; "
            f"whole machine {machine_ms:.1f} ms (load average {load0:.1f} -> {load1:.1f}: other work shares the "
            f"{os.cpu_count()} cores)")
        if args.drain == "none":
            drain_s, (ok, why) = 0.0, (len(acked) == len(messages), "not checked (--drain none)")
        else:
            drain_s = drain(env, args.drain, len(acked), args.drain_timeout)
            ok, why = exactly_once(acked)
        log(f"drained with {args.drain} in {drain_s:.1f} s; exactly once: {why}")

        print(f"BENCH as2_msgs_per_s {len(timed) / seconds:.1f} msgs/s")
        print(f"BENCH as2_latency_p50 {statistics.median(latencies):.1f} ms")
        print(f"BENCH as2_latency_p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms")
        print(f"BENCH as2_errors {errors + bad_mdns} count")
        if args.drain != "none":
            print(f"BENCH as2_exactly_once {int(ok)} bool")
        print(f"BENCH as2_web_cpu_per_msg {web_ms:.2f} ms")
        print(f"BENCH as2_db_cpu_per_msg {db_ms:.2f} ms")
        # what the receive path costs the machine per message (web + database + the senders),
        # and the rate 2 cores would sustain at that cost if nothing else ran
        print(f"BENCH as2_cpu_capacity {os.cpu_count() * 1000 / (web_ms + db_ms + own_ms):.0f} msgs/s")
        if args.drain != "none":
            print(f"BENCH as2_drain {drain_s:.1f} s")
        return 0 if ok and not errors and not bad_mdns else 1
    finally:
        stop(web)
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database()
            shutil.rmtree(work, ignore_errors=True)
        _purge_queues(args.broker, queue_name)


def _redis_up(broker: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(broker, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means: not usable
        return False


def _purge_queues(broker: str, name: str) -> None:
    if not broker.startswith("redis://"):
        return
    try:
        import redis

        client = redis.Redis.from_url(broker)
        for key in client.scan_iter(f"{name}*"):
            client.delete(key)
    except Exception as exc:  # noqa: BLE001 - leftovers in a queue nobody reads are harmless
        log(f"could not delete the bench queues: {exc}")


if __name__ == "__main__":
    sys.exit(main())
