"""forecast_publish: versions, buckets, zones, comparison with the previous version, carried-over
commitments, idempotency, refusals, the e-mail and the DELFOR / 830 to EDI partners."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from suppliers.forecasts.models import ForecastProfile, ForecastVersion
from suppliers.forecasts.services import BucketCommit, ForecastErrors, forecast_commit
from suppliers.models import Event
from tests.forecasts.conftest import MONDAY, bucket, part_of, weekly


def test_publish_makes_buckets_in_zones(tenant_a, publish):
    ForecastProfile.objects.create(supplier=tenant_a.supplier, firm_weeks=2, planning_weeks=6)
    version = publish(tenant_a, [weekly(part_of(tenant_a), [100] * 13)])
    assert version.number == 1 and version.is_current and version.previous is None
    assert version.horizon_start == MONDAY and version.firm_until == MONDAY + timedelta(days=13)
    line = version.lines.get()
    assert line.supplier_part_number == tenant_a.supplier_part.supplier_part_number
    zones = list(line.buckets.order_by("index").values_list("zone", flat=True))
    assert zones[:2] == ["firm", "firm"] and zones[2:6] == ["planning"] * 4 and zones[6] == "outlook"
    assert sum(b.quantity for b in line.buckets.all()) == 1300
    event = Event.objects.get(verb="forecast.published")
    assert event.supplier == tenant_a.supplier and event.payload["version"] == 1


def test_second_version_compares_and_supersedes(tenant_a, publish):
    part = part_of(tenant_a)
    v1 = publish(tenant_a, [weekly(part, [100, 100, 100, 100])])
    v2 = publish(tenant_a, [weekly(part, [100, 150, 60])])
    v1.refresh_from_db()
    assert not v1.is_current and v2.is_current and v2.number == 2 and v2.previous == v1
    first, second, third, fourth = (bucket(v2, part, MONDAY + timedelta(weeks=i)) for i in range(4))
    assert first.delta == 0
    assert second.quantity == 150 and second.previous_quantity == 100 and second.delta == 50
    assert third.delta == -40
    assert fourth.quantity == 0 and fourth.delta == -100


def test_an_unchanged_bucket_keeps_its_commitment(tenant_a, publish):
    part = part_of(tenant_a)
    v1 = publish(tenant_a, [weekly(part, [100, 100])])
    b0, b1 = bucket(v1, part, MONDAY), bucket(v1, part, MONDAY + timedelta(weeks=1))
    forecast_commit(version=v1, commits=[BucketCommit(b0.pk, Decimal(100)), BucketCommit(b1.pk, Decimal(100))],
                    actor=tenant_a.member)
    v2 = publish(tenant_a, [weekly(part, [100, 120])])
    same, changed = bucket(v2, part, MONDAY), bucket(v2, part, MONDAY + timedelta(weeks=1))
    assert same.committed_quantity == 100 and same.carried_over
    assert changed.committed_quantity is None and not changed.carried_over


def test_same_reference_twice_is_one_version(tenant_a, publish):
    lines = [weekly(part_of(tenant_a), [10])]
    first = publish(tenant_a, lines, reference="erp-42")
    again = publish(tenant_a, lines, reference="erp-42")
    assert first.pk == again.pk and ForecastVersion.objects.count() == 1


@pytest.mark.parametrize("line, message", [
    ({"buyer_part": "NOPE", "schedule": []}, "unknown part"),
    ({"supplier_part": "NOT-MINE", "schedule": []}, "does not supply"),
    (weekly("P-ALPHA-1", [-5]), "cannot be negative"),
    (weekly("P-ALPHA-1", ["lots"]), "is not a number"),
    (weekly("P-ALPHA-1", [5], start=MONDAY - timedelta(weeks=1)), "outside the horizon"),
    ({"buyer_part": "P-ALPHA-1", "schedule": [{"start": "2026-3-2", "end": "x", "quantity": "1"}]}, "YYYY-MM-DD"),
])
def test_refusals_name_the_problem(tenant_a, publish, line, message):
    with pytest.raises(ForecastErrors) as exc:
        publish(tenant_a, [line])
    assert message in str(exc.value)
    assert not ForecastVersion.objects.exists()


def test_another_suppliers_part_is_refused(tenant_a, tenant_b, publish):
    with pytest.raises(ForecastErrors, match="does not supply"):
        publish(tenant_a, [weekly(part_of(tenant_b), [5])])


def test_every_problem_is_listed_at_once(tenant_a, publish):
    with pytest.raises(ForecastErrors) as exc:
        publish(tenant_a, [{"buyer_part": "NOPE", "schedule": []}, weekly(part_of(tenant_a), [-1])])
    assert len(exc.value.errors) == 2


def test_publish_tells_the_suppliers_users(tenant_a, publish, mailoutbox):
    publish(tenant_a, [weekly(part_of(tenant_a), [10, 20])])
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([tenant_a.admin.email, tenant_a.member.email])
    assert "Forecast version 1" in mailoutbox[0].subject
    assert "/forecasts/" in mailoutbox[0].body


def test_an_edi_supplier_gets_delfor(tenant_a, publish, hub):
    from edi.models import Interchange
    from tests.edi.conftest import make_partner

    partner = make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI")
    version = publish(tenant_a, [weekly(part_of(tenant_a), [100, 50])])
    interchange = Interchange.objects.get(direction="out", reference=f"forecast:{version.pk}")
    assert interchange.partner == partner and interchange.document_types == "delivery_schedule"
    message = interchange.messages.get()
    assert message.message_type == "DELFOR"
    doc = message.document
    assert doc["id"] == f"FC-ALPHA-{version.number}" and doc["horizon_start"] == MONDAY.isoformat()
    schedule = doc["lines"][0]["schedule"]
    assert schedule[0] == {"start": "2026-03-02", "end": "2026-03-08", "quantity": "100", "commitment": "firm"}
    assert schedule[5]["commitment"] == "planned"
    raw = (hub.drop_root / partner.code / "out")
    assert any(p.read_bytes().count(b"DELFOR") for p in raw.glob("*"))
    # sending again (a retried task) does not make a second interchange
    from suppliers.forecasts.services import forecast_send_to_partner

    assert forecast_send_to_partner(version_id=version.pk).pk == interchange.pk
    assert Interchange.objects.filter(reference=f"forecast:{version.pk}").count() == 1


def test_an_x12_supplier_gets_830(tenant_b, publish, hub):
    from edi.models import Interchange
    from tests.edi.conftest import make_partner

    make_partner(tenant_b, code="BRAVO-X12", standard="x12", interchange_id="BRAVOX12")
    version = publish(tenant_b, [weekly(part_of(tenant_b), [7])])
    message = Interchange.objects.get(reference=f"forecast:{version.pk}").messages.get()
    assert message.message_type == "830"


def test_a_portal_supplier_gets_no_interchange(tenant_a, publish, hub):
    from edi.models import Interchange

    publish(tenant_a, [weekly(part_of(tenant_a), [1])])
    assert not Interchange.objects.exists()
