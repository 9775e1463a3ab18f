"""The ERP change feed: producers write in their transaction, positions are stable, the cursor
loses and repeats nothing (also with concurrent writers committing out of order), acks."""

from __future__ import annotations

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from suppliers import services as domain
from suppliers.audit import Actor
from suppliers.erp.models import FeedEntry
from suppliers.erp.services import erp_feed_append, feed_read
from tests.conftest import login
from tests.erp.conftest import key_client

FEED = "/api/v1/feeds/"


def asn(tenant, number: str, *, source: str = "web"):
    line = tenant.order.lines.get()
    return domain.despatch_advice_create(
        supplier=tenant.supplier, number=number, ship_to=tenant.order.ship_to, ship_date=date(2026, 3, 1),
        lines=[domain.AsnLineInput(line_no=1, order_line=line, quantity=Decimal(5), lots=[("LOT-X", Decimal(5))])],
        actor=Actor.system("test"), source=source,
    )


def test_every_producer_writes_its_canonical_document_to_the_feed(erp, tenant_a):
    from edi.codecs.canonical import validate_document

    # given: the fixture made one ASN already; a confirmation, an invoice and an API-made ASN follow
    domain.purchase_order_respond(order=tenant_a.order, actor=tenant_a.admin, source="web", responses=[
        domain.LineResponse(line=tenant_a.order.lines.get(), status="accepted")])
    domain.invoice_record(supplier=tenant_a.supplier, actor=Actor.partner("X"), source="edi", document={
        "id": "INV-1", "issued": "2026-03-02", "order": tenant_a.order.number, "currency": "USD", "total": "125.00",
        "lines": [{"line": "1", "buyer_part": tenant_a.supplier_part.part.buyer_part_number, "quantity": "100",
                   "price": "1.25", "amount": "125.00"}]})
    # when
    page = erp.get(f"{FEED}all/").json()
    # then
    kinds = [e["kind"] for e in page["entries"]]
    assert kinds == ["despatch_advice", "order_response", "invoice"]
    positions = [e["position"] for e in page["entries"]]
    assert positions == sorted(positions) and page["next_cursor"] == positions[-1]
    for entry in page["entries"]:
        assert validate_document(entry["document"]) == [], entry
        assert entry["supplier"] == "ALPHA"
    assert page["entries"][0]["document"]["id"] == tenant_a.asn.number
    assert page["entries"][1]["document"]["order"] == tenant_a.order.number
    assert page["entries"][2]["document"]["total"] == "125"


def test_kind_feeds_and_paging(erp, tenant_a, tenant_b):
    for n in range(5):
        asn(tenant_a, f"ASN-P-{n}")
    got, after = [], 0
    while True:
        page = erp.get(f"{FEED}asns/", {"after": after, "limit": 2}).json()
        got += [e["document_id"] for e in page["entries"]]
        assert len(page["entries"]) <= 2
        after = page["next_cursor"]
        if not page["has_more"]:
            break
    assert sorted(got) == sorted(["ASN-ALPHA-1", "ASN-BRAVO-1"] + [f"ASN-P-{n}" for n in range(5)])
    assert len(got) == len(set(got))
    assert erp.get(f"{FEED}invoices/").json()["entries"] == []
    assert erp.get(f"{FEED}nonsense/").status_code == 404


def test_acknowledge_moves_this_keys_cursor_only(erp, erp_key, erp_reader, tenant_a):
    first = erp.get(f"{FEED}all/").json()
    assert len(first["entries"]) == 1
    ack = erp.post(f"{FEED}all/ack/", {"cursor": first["next_cursor"]}, format="json")
    assert ack.status_code == 200 and ack.json()["cursor"] == first["next_cursor"]
    # the same ack again is harmless
    assert erp.post(f"{FEED}all/ack/", {"cursor": first["next_cursor"]}, format="json").status_code == 200
    # the next read starts after what was acknowledged: nothing is delivered twice
    assert erp.get(f"{FEED}all/").json()["entries"] == []
    asn(tenant_a, "ASN-NEW")
    assert [e["document_id"] for e in erp.get(f"{FEED}all/").json()["entries"]] == ["ASN-NEW"]
    # another ERP key has its own cursor (read keys cannot acknowledge)
    assert len(erp_reader.get(f"{FEED}all/").json()["entries"]) == 2
    assert erp_reader.post(f"{FEED}all/ack/", {"cursor": 1}, format="json").status_code == 403
    # going back, or past the end, is a conflict
    assert erp.post(f"{FEED}all/ack/", {"cursor": 0}, format="json").status_code == 409
    assert erp.post(f"{FEED}all/ack/", {"cursor": 10**9}, format="json").status_code == 409
    assert erp.post(f"{FEED}all/ack/", {"cursor": "x"}, format="json").status_code == 400
    assert erp_key.api_key.acknowledgements.count() == 1


def test_supplier_callers_cannot_read_the_feed(tenant_a):
    from suppliers.erp.services import supplier_api_key_create

    issued = supplier_api_key_create(user=tenant_a.admin, actor=tenant_a.admin)
    assert key_client(issued.key).get(f"{FEED}all/").status_code == 403
    assert login(tenant_a.member).get(f"{FEED}all/").status_code == 403


def test_a_rolled_back_producer_leaves_nothing_in_the_feed(tenant_a):
    before = FeedEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        asn(tenant_a, "ASN-ROLLED-BACK")
        raise RuntimeError("the producing transaction fails after the append")
    assert FeedEntry.objects.count() == before
    assert "ASN-ROLLED-BACK" not in [e.document_id for e in feed_read(after=0).entries]


# --- concurrent writers on PostgreSQL ----------------------------------------------------------------

def _make_supplier():
    from suppliers.models import Supplier

    return Supplier.objects.create(code="CONC", name="Concurrent Ltd")


def _append(supplier, ident: str) -> FeedEntry:
    return erp_feed_append(kind="invoice", supplier=supplier, document={"type": "invoice", "id": ident},
                           actor=Actor.system("test"), publish=False)


@pytest.mark.django_db(transaction=True)
def test_a_row_that_commits_late_is_not_skipped():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    supplier = _make_supplier()
    # in autocommit an entry could commit without the change it describes: refused
    with pytest.raises(RuntimeError, match="inside the producing transaction"):
        _append(supplier, "ALONE")
    appended, release, done = threading.Event(), threading.Event(), threading.Event()
    late_id = {}

    def slow_writer():
        try:
            with transaction.atomic():
                late_id["id"] = _append(supplier, "LATE").pk  # the lower row id...
                appended.set()
                release.wait(10)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert appended.wait(10)
    with transaction.atomic():
        early = _append(supplier, "EARLY")  # ...a higher id that commits first
    assert early.pk > late_id["id"]
    first = feed_read(after=0)
    assert [e.document_id for e in first.entries] == ["EARLY"]
    # an id cursor would now stand at EARLY's id, past LATE's: LATE would never be read
    release.set()
    assert done.wait(10)
    thread.join()
    second = feed_read(after=first.next_cursor)
    assert [e.document_id for e in second.entries] == ["LATE"]
    assert second.entries[0].seq > first.next_cursor


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_paging_reader_lose_and_repeat_nothing():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    import random

    supplier = _make_supplier()
    writers, per_writer = 6, 25
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(w: int):
        rng = random.Random(w)
        try:
            for n in range(per_writer):
                with transaction.atomic():
                    _append(supplier, f"W{w}-{n}")
                    time.sleep(rng.random() * 0.004)  # hold the transaction open a while: commits interleave
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    seen: list[str] = []
    positions: list[int] = []
    after = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        alive = any(t.is_alive() for t in threads)
        page = feed_read(after=after, limit=7)
        seen += [e.document_id for e in page.entries]
        positions += [e.seq for e in page.entries]
        after = page.next_cursor
        if not alive and not page.has_more and len(seen) >= writers * per_writer:
            break
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    expected = {f"W{w}-{n}" for w in range(writers) for n in range(per_writer)}
    assert len(seen) == len(set(seen)), "an entry was delivered twice"
    assert set(seen) == expected, f"lost: {sorted(expected - set(seen))[:5]}"
    assert positions == sorted(positions)
    # and each writer's own entries come in the order it committed them
    for w in range(writers):
        mine = [s for s in seen if s.startswith(f"W{w}-")]
        assert mine == [f"W{w}-{n}" for n in range(per_writer)]


def test_a_backlog_larger_than_one_numbering_batch_is_read_whole(tenant_a, monkeypatch):
    from suppliers.erp import services

    monkeypatch.setattr(services, "FEED_ASSIGN_BATCH", 3)
    with transaction.atomic():
        for n in range(8):
            erp_feed_append(kind="invoice", supplier=tenant_a.supplier, document={"id": f"B{n}"},
                            actor=Actor.system("test"), publish=False)
    page = feed_read(after=0, limit=100)
    assert [e.document_id for e in page.entries][-8:] == [f"B{n}" for n in range(8)]
    assert not page.has_more
