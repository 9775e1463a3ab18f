"""Outbound control numbers: per partner, increasing, never handed out twice, even under load.

These run on real PostgreSQL with committed transactions (``transactional_db``): each thread
has its own database connection, so the row lock in ``control_number_next`` is what keeps the
numbers apart, exactly as between Celery workers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from edi.models import ControlCounter, Interchange, TradingPartner
from edi.services.control import MAX_CONTROL_NUMBER, control_number_next

ROOT = Path(__file__).resolve().parents[2]
THREADS, EACH = 8, 25

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="row locks need PostgreSQL (SQLite serialises whole-database writes)")


def partner(code: str, standard: str = "x12") -> TradingPartner:
    from suppliers import services
    from suppliers.audit import Actor

    supplier = services.supplier_create(code=code, name=f"{code} Ltd", edi_enabled=True, actor=Actor.system("test"))
    return TradingPartner.objects.create(code=f"{code}-EDI", name=code, supplier=supplier, standard=standard,
                                         version="004010" if standard == "x12" else "D96A",
                                         interchange_id=f"{code}ID", qualifier="ZZ")


def run_threads(target, count: int) -> list:
    """Start ``count`` threads together; each closes its own DB connection when done."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    return results


def counter(p: TradingPartner, kind: str = ControlCounter.Kind.INTERCHANGE) -> int:
    return ControlCounter.objects.get(partner=p, kind=kind).last


def test_threads_allocating_for_one_partner_get_distinct_increasing_numbers(transactional_db) -> None:
    # given two partners, the second allocated for at the same time by half the threads
    first, second = partner("ALPHA"), partner("BRAVO")

    def allocate(i: int) -> tuple[list[int], list[int]]:
        mine, other = [], []
        for n in range(EACH):
            mine.append(control_number_next(partner=first))
            if i % 2 and n % 5 == 0:
                other.append(control_number_next(partner=second))
        return mine, other

    # when
    results = run_threads(allocate, THREADS)
    # then
    numbers = [n for mine, _ in results for n in mine]
    assert len(numbers) == len(set(numbers)) == THREADS * EACH
    assert sorted(numbers) == list(range(1, THREADS * EACH + 1))
    for mine, _ in results:
        assert mine == sorted(mine) and len(set(mine)) == len(mine)  # strictly increasing per thread
    assert counter(first) == THREADS * EACH
    # the second partner's counter is its own
    others = [n for _, other in results for n in other]
    assert sorted(others) == list(range(1, len(others) + 1))
    assert counter(second) == len(others) == (THREADS // 2) * ((EACH + 4) // 5)


def test_the_row_lock_makes_a_second_worker_wait_for_the_first(transactional_db) -> None:
    p = partner("ALPHA")
    control_number_next(partner=p)  # the counter row exists
    held = threading.Event()
    log: list[tuple[str, int, float]] = []

    def slow(i: int) -> None:
        if i == 0:
            with transaction.atomic():
                log.append(("first", control_number_next(partner=p), time.monotonic()))
                held.set()
                time.sleep(0.5)  # still inside the transaction: the row stays locked
                log.append(("first-commit", 0, time.monotonic()))
        else:
            held.wait(10)
            number = control_number_next(partner=p)
            log.append(("second", number, time.monotonic()))

    barrier_free = run_threads(slow, 2)
    assert barrier_free == [None, None]
    events = {name: (number, at) for name, number, at in log}
    assert events["first"][0] == 2 and events["second"][0] == 3
    assert events["second"][1] >= events["first-commit"][1]  # it waited for the commit


def test_a_number_rolled_back_was_never_used(db) -> None:
    p = partner("ALPHA")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert control_number_next(partner=p) == 1
        raise RuntimeError("the interchange could not be written")
    assert control_number_next(partner=p) == 1  # returned with the rollback: nothing carried it
    assert control_number_next(partner=p) == 2


def test_kinds_count_separately_and_the_counter_wraps_after_nine_digits(db) -> None:
    p = partner("ALPHA")
    assert control_number_next(partner=p) == 1
    assert control_number_next(partner=p, kind=ControlCounter.Kind.GROUP) == 1
    ControlCounter.objects.filter(partner=p, kind=ControlCounter.Kind.INTERCHANGE).update(last=MAX_CONTROL_NUMBER - 1)
    assert control_number_next(partner=p) == MAX_CONTROL_NUMBER
    assert control_number_next(partner=p) == 1  # ISA13 has nine digits


WORKER = """
import json, sys
import django
django.setup()
from edi.models import TradingPartner
from edi.services.control import control_number_next
p = TradingPartner.objects.get(code=sys.argv[1])
print(json.dumps([control_number_next(partner=p) for _ in range(int(sys.argv[2]))]))
"""


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_processes_allocating_at_once_never_share_a_number(transactional_db) -> None:
    p = partner("ALPHA")
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "portal.settings",
           "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, p.code, "40"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
        outputs.append(json.loads(out.decode().strip().splitlines()[-1]))
    numbers = outputs[0] + outputs[1]
    assert sorted(numbers) == list(range(1, 81))
    assert all(o == sorted(o) for o in outputs)
    assert counter(p) == 80


# --- outbound_create ----------------------------------------------------------------------------------

PO = {"type": "purchase_order", "id": "PO-1", "issued": "2024-03-01", "purpose": "original",
      "lines": [{"line": "1", "buyer_part": "CAP-1", "quantity": "10", "unit": "PCE", "price": "0.05"}]}


@pytest.fixture
def no_send(monkeypatch):
    """Keep sends out of these tests: the interchange stays queued with its archived bytes."""
    from edi import tasks

    monkeypatch.setattr(tasks.send_interchange, "delay", lambda *a, **k: None)


def _isa13(interchange: Interchange) -> str:
    from edi.services.inbound import archive_path_of

    data = archive_path_of(interchange).read_bytes()
    return data[90:99].decode()


def test_outbound_interchanges_from_many_workers_carry_distinct_numbers(transactional_db, hub, no_send) -> None:
    from edi.services.outbound import outbound_create
    from suppliers.audit import Actor

    p = partner("ALPHA")

    def send(i: int) -> list[int]:
        made = []
        for n in range(5):
            ic = outbound_create(partner=p, documents=[PO | {"id": f"PO-{i}-{n}"}], actor=Actor.system("test"))
            made.append(ic.pk)
        return made

    results = run_threads(send, 6)
    sent = Interchange.objects.filter(direction="out", partner=p)
    numbers = [int(ic.control_number) for ic in sent]
    assert sorted(numbers) == list(range(1, 31))
    # the number in the database is the one in the archived bytes (ISA13)
    for ic in sent:
        assert int(_isa13(ic)) == int(ic.control_number)
    for made in results:  # each worker's interchanges were numbered in the order it made them
        mine = [int(Interchange.objects.get(pk=pk).control_number) for pk in made]
        assert mine == sorted(mine)


def test_a_failed_build_leaves_no_number_behind(db, hub, no_send) -> None:
    from edi.codecs.base import CanonicalError
    from edi.services.outbound import outbound_create
    from suppliers.audit import Actor

    p = partner("ALPHA")
    first = outbound_create(partner=p, documents=[PO], actor=Actor.system("test"))
    with pytest.raises(CanonicalError):
        outbound_create(partner=p, documents=[PO | {"lines": [PO["lines"][0] | {"unit": "MLT"}]}],
                        actor=Actor.system("test"))
    second = outbound_create(partner=p, documents=[PO | {"id": "PO-2"}], actor=Actor.system("test"))
    assert (first.control_number, second.control_number) == ("1", "2")
    archived = sorted(path.name for path in hub.root.rglob("*.x12"))
    assert len(archived) == 2, archived  # nothing was archived for the failed build


def test_the_same_reference_twice_is_sent_once(transactional_db, hub, no_send) -> None:
    from edi.services.outbound import outbound_create
    from suppliers.audit import Actor

    p = partner("ALPHA")

    def send(i: int) -> int:
        return outbound_create(partner=p, documents=[PO], actor=Actor.system("test"), reference="po:PO-1:0").pk

    pks = run_threads(send, 4)
    assert len(set(pks)) == 1
    assert Interchange.objects.filter(direction="out", reference="po:PO-1:0").count() == 1
    # the losers' numbers were consumed, never reused
    nxt = outbound_create(partner=p, documents=[PO | {"id": "PO-9"}], actor=Actor.system("test"))
    assert int(nxt.control_number) > int(Interchange.objects.get(pk=pks[0]).control_number)
