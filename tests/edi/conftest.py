"""Fixtures for the EDI hub: a hub whose folders live in a temp dir, and partners of test suppliers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Tenant


@dataclass
class Hub:
    root: Path
    drop_root: Path
    erp_outbox: Path
    erp_inbox: Path
    settings: object


@pytest.fixture
def hub(db, tmp_path, settings):
    from edi.models import HubSettings

    settings.EDI_FILEDROP_SETTLE_SECONDS = 0
    drop, out, inbox = tmp_path / "edi", tmp_path / "erp" / "out", tmp_path / "erp" / "in"
    row = HubSettings.get()
    row.drop_root, row.erp_outbox, row.erp_inbox = str(drop), str(out), str(inbox)
    row.x12_id, row.edifact_id, row.as2_id = "TSUNAGIHUB", "TSUNAGIHUB", "TSUNAGI"
    row.save()
    return Hub(tmp_path, drop, out, inbox, row)


def make_partner(tenant: Tenant, *, code: str, standard: str, interchange_id: str, transport: str = "filedrop",
                 ack: bool = True, version: str | None = None, **extra):
    from edi.models import TradingPartner

    supplier = tenant.supplier
    supplier.edi_enabled = True
    supplier.save()
    return TradingPartner.objects.create(
        code=code, name=f"{code} EDI", supplier=supplier, standard=standard,
        version=version or ("004010" if standard == "x12" else "D96A"), interchange_id=interchange_id,
        qualifier="ZZ" if standard == "x12" else "ZZZ", transport=transport, ack=ack, **extra,
    )


@pytest.fixture
def edifact_partner(hub, tenant_a):
    return make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI")


@pytest.fixture
def x12_partner(hub, tenant_b):
    return make_partner(tenant_b, code="BRAVO-X12", standard="x12", interchange_id="BRAVOX12")


def despatch_advice(tenant: Tenant, *, number: str = "ASN-EDI-1", lot: str = "LOT-E1", quantity: str = "40",
                    order_line: str | None = None) -> dict:
    line = tenant.order.lines.get()
    return {
        "type": "despatch_advice", "id": number, "issued": "2026-03-01", "shipped": "2026-03-01",
        "expected_delivery": "2026-03-04", "order": tenant.order.number,
        "supplier": {"id": tenant.supplier.code}, "ship_to": {"id": tenant.order.ship_to.code},
        "carrier": {"name": "DHL Express"}, "tracking": "TRK123",
        "lines": [{"line": "1", "buyer_part": line.part.buyer_part_number, "quantity": quantity, "unit": "EA",
                   "order": tenant.order.number, "order_line": order_line or str(line.line_no), "lot": lot,
                   "serials": ["S1", "S2"]}],
        "packages": [{"id": "1", "sscc": "006141411234567890", "type": "CTN", "lines": ["1"]}],
    }


def interchange_bytes(partner, documents: list[dict], *, control_number: int = 101, receiver: str = "TSUNAGIHUB") -> bytes:
    from edi import codecs

    docs = [{**d, "sender": partner.interchange_id, "receiver": receiver, "control_number": str(control_number)}
            for d in documents]
    if partner.standard == "x12":
        return codecs.write(docs, standard="x12", sender=partner.interchange_id, receiver=receiver,
                            control_number=control_number)
    return codecs.write(docs, standard="edifact", sender=partner.interchange_id, receiver=receiver,
                        control_number=str(control_number))


def drop(hub: Hub, partner, name: str, data: bytes) -> Path:
    inbox = hub.drop_root / partner.code / "in"
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(data)
    return path


__all__ = ["date", "despatch_advice", "drop", "interchange_bytes", "make_partner"]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """`edi run-once`, with the after-commit work (tasks, e-mails) executed as a real commit would."""
    from edi.services.poll import run_once

    def go() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return run_once()

    return go
