"""Two pollers at once (beat queues a poll every few seconds; a poll of a big drop takes longer, so
the next one starts on another worker): every file is recorded once, none fails.

Found by bench/soak_faults.py: a poller's crash recovery (`recover_claimed`) took the file another
poller had just claimed and was recording, which left a second, failed interchange for it
("the archived file is missing").
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from edi.models import Interchange
from tests.edi.conftest import despatch_advice, drop, interchange_bytes, make_partner

FILES = 150


@pytest.fixture
def partner(hub, tenant_a):
    return make_partner(tenant_a, code="RACE", standard="edifact", interchange_id="RACEEDI", ack=False)


def test_a_second_poller_leaves_the_first_ones_claims_alone(transactional_db, hub, tenant_a, partner, monkeypatch):
    from edi.files import hub_paths
    from edi.services import poll
    from edi.services.inbound import recover_claimed

    monkeypatch.setattr("edi.tasks.process_interchange.delay", lambda pk: None)  # recording only
    for n in range(FILES):
        doc = despatch_advice(tenant_a, number=f"ASN-R-{n:04d}", lot=f"L{n}", quantity="1")
        drop(hub, partner, f"asn-{n:04d}.edi", interchange_bytes(partner, [doc], control_number=2000 + n))
    errors = []

    def first() -> None:
        try:
            poll.poll_folders(settle_seconds=0)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    # meanwhile, other polls start, each beginning with the recovery of claimed files
    archive = hub_paths().partner(partner.code).archive
    while thread.is_alive():
        try:
            recover_claimed(archive_root=archive, partner=partner, channel=Interchange.Channel.FILEDROP)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
    thread.join()
    poll.poll_folders(settle_seconds=0)

    assert not errors, errors
    names = list(Interchange.objects.filter(direction="in").values_list("filename", flat=True))
    assert sorted(names) == [f"asn-{n:04d}.edi" for n in range(FILES)]
    for interchange in Interchange.objects.filter(direction="in"):
        assert (hub.drop_root / interchange.archive_path).is_file(), interchange.archive_path
        assert ".claimed" not in interchange.archive_path


def test_a_claim_left_by_a_crash_is_recorded_once_it_is_old_enough(hub, tenant_a, partner, monkeypatch):
    from edi.files import hub_paths
    from edi.services import inbound, poll

    monkeypatch.setattr("edi.tasks.process_interchange.delay", lambda pk: None)
    doc = despatch_advice(tenant_a, number="ASN-R-CRASH")
    # a poller claimed this file, then died before recording it
    staged = hub_paths().partner(partner.code).ensure().archive / ".claimed" / "101010-abcdef0123-asn-crash.edi"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(interchange_bytes(partner, [doc], control_number=3001))
    # a fresh claim may still be another poller's: left alone
    assert poll.poll_folders(settle_seconds=0)["received"] == 0 and staged.exists()
    # once older than the grace period it is recorded, under its original name, and moved
    monkeypatch.setattr(inbound, "CLAIM_GRACE_SECONDS", 0.0)
    assert poll.poll_folders(settle_seconds=0)["received"] == 1
    interchange = Interchange.objects.get(direction="in")
    assert interchange.filename == "asn-crash.edi" and not staged.exists()
    assert (hub.drop_root / interchange.archive_path).is_file()


def test_processing_is_queued_only_once_the_file_is_where_the_record_says(transactional_db, hub, tenant_a, partner,
                                                                          monkeypatch):
    """Found by bench/bench_pipeline.py with 2 workers: processing was queued while the record still
    named the ``.claimed`` copy; a worker that read the record before the poller moved the file
    failed the interchange with "the archived file is missing". (Committed for real: the task is
    queued when the record commits.)"""
    from edi.services import poll
    from edi.services.inbound import archive_path_of

    seen = []

    def delay(pk: int) -> None:  # what a worker would read, the moment the task is queued
        interchange = Interchange.objects.get(pk=pk)
        seen.append((interchange.archive_path, archive_path_of(interchange).is_file()))

    monkeypatch.setattr("edi.tasks.process_interchange.delay", delay)
    for n in range(3):
        doc = despatch_advice(tenant_a, number=f"ASN-Q-{n}", lot=f"Q{n}", quantity="1")
        drop(hub, partner, f"asn-q-{n}.edi", interchange_bytes(partner, [doc], control_number=4000 + n))
    assert poll.poll_folders(settle_seconds=0)["received"] == 3
    assert len(seen) == 3
    for path, present in seen:
        assert ".claimed" not in path and present, path
    recorded = set(Interchange.objects.filter(direction="in").values_list("archive_path", flat=True))
    assert recorded == {path for path, _ in seen}


def test_a_claim_recorded_before_a_crash_is_moved_to_its_recorded_place_not_recorded_twice(
        hub, tenant_a, partner, monkeypatch):
    from edi.files import hub_paths
    from edi.services import inbound, poll

    queued = []
    monkeypatch.setattr("edi.tasks.process_interchange.delay", queued.append)
    doc = despatch_advice(tenant_a, number="ASN-R-HALF")
    archive = hub_paths().partner(partner.code).ensure().archive
    staged = archive / ".claimed" / "101011-abcdef0124-asn-half.edi"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(interchange_bytes(partner, [doc], control_number=3002))
    # a poller recorded the claim under its final place, then died before moving the file there
    final = archive / "2026" / "03" / "01" / staged.name
    first = inbound._record_archived(partner=partner, channel=Interchange.Channel.FILEDROP, archived=staged,
                                     filename="asn-half.edi", record_as=final, queue=False)
    monkeypatch.setattr(inbound, "CLAIM_GRACE_SECONDS", 0.0)
    assert poll.poll_folders(settle_seconds=0)["received"] == 1
    assert list(Interchange.objects.filter(direction="in").values_list("pk", flat=True)) == [first.pk]
    assert final.is_file() and not staged.exists()
    first.refresh_from_db()
    assert inbound.archive_path_of(first) == final
