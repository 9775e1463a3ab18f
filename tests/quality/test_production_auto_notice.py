"""A lot whose defect rate crosses the buyer's threshold raises a quality notice automatically:
once while it is open, for its own supplier only, with the rate, the threshold and the
inspections behind it; the most specific threshold wins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from suppliers.models import Event, SupplierPart
from suppliers.quality.models import DefectRateThreshold, QualityNotice
from suppliers.quality.production import applicable
from suppliers.quality.services import quality_notice_cancel
from tests.quality.production_helpers import automatic, post, threshold


@pytest.fixture
def mes(django_capture_on_commit_callbacks):
    """Post as the MES does, with the after-commit side effects (e-mail) run."""
    def go(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    return go


def test_below_the_threshold_nothing_is_raised(tenant_a, mes):
    threshold(limit="1", unit="percent")  # 10,000 ppm, total rate
    mes(tenant_a, "MES-1", inspected=200, defects={"SOLDER": 2})  # exactly 10,000 ppm: not above
    mes(tenant_a, "MES-2", inspected=200, defects={"SOLDER": 1})  # 3 in 400 = 7,500 ppm
    assert automatic() == [] and not QualityNotice.objects.exists()


def test_no_threshold_no_notice(tenant_a, mes):
    mes(tenant_a, "MES-1", inspected=10, defects={"SOLDER": 9})
    assert not QualityNotice.objects.exists()


def test_one_bad_board_out_of_two_waits_for_the_minimum_inspected(tenant_a, mes):
    threshold(limit=5000, min_inspected=100)
    mes(tenant_a, "MES-1", inspected=2, defects={"SOLDER": 1})  # 500,000 ppm, but 2 inspected
    assert automatic() == []
    mes(tenant_a, "MES-2", inspected=98, defects={"SOLDER": 1})  # 2 in 100 = 20,000 ppm
    assert len(automatic()) == 1


def test_crossing_raises_exactly_one_notice_for_that_supplier_and_tells_it(tenant_a, tenant_b, mes, mailoutbox):
    threshold(limit=10000, severity="critical")
    mes(tenant_a, "MES-1", inspected=100, stage="incoming", defects={})
    mes(tenant_a, "MES-2", inspected=100, defects={"SOLDER": 2, "ELEC": 1})  # 3 in 200 = 15,000 ppm
    [auto] = automatic()
    notice = auto.notice
    assert notice.supplier == tenant_a.supplier and notice.lot == "LOT-ALPHA-A"
    assert notice.part == tenant_a.supplier_part.part and notice.status == QualityNotice.Status.OPEN
    assert notice.severity == "critical" and notice.raised_by is None
    assert notice.defect_code.code == "SOLDER"  # the total rate: the lot's most frequent known code
    assert notice.rejected_quantity == Decimal(3)
    assert "15,000 ppm" in notice.title and "10,000 ppm" in notice.title and "LOT-ALPHA-A" in notice.title
    assert "MES-1" in notice.description and "MES-2" in notice.description and "200 inspected" in notice.description
    assert notice.steps.count() == 8
    assert (auto.rate_ppm, auto.limit_ppm, auto.inspected, auto.defects) == (Decimal(15000), Decimal(10000),
                                                                             Decimal(200), Decimal(3))
    assert auto.results == ["MES-1", "MES-2"]
    # the supplier hears of it like any notice: e-mail to its users, the event in its history
    assert sorted(m.to[0] for m in mailoutbox) == sorted([tenant_a.admin.email, tenant_a.member.email])
    assert notice.number in mailoutbox[0].subject
    raised = Event.objects.get(verb="quality.raised")
    assert raised.actor_label == "system:production-quality" and raised.supplier == tenant_a.supplier
    assert Event.objects.get(verb="quality.auto_raised").actor_label == "api:MES"


def test_posting_again_or_more_results_raises_nothing_new(tenant_a, mes):
    threshold(limit=10000)
    mes(tenant_a, "MES-1", inspected=100, defects={"SOLDER": 3})
    mes(tenant_a, "MES-1", inspected=100, defects={"SOLDER": 3})  # the same result again
    mes(tenant_a, "MES-2", inspected=100, defects={"SOLDER": 5})  # more for the flagged lot
    assert len(automatic()) == 1 and QualityNotice.objects.count() == 1


def test_another_suppliers_lot_gets_its_own_notice(tenant_a, tenant_b, mes):
    threshold(limit=10000)
    mes(tenant_a, "MES-A", inspected=100, defects={"SOLDER": 3})
    mes(tenant_b, "MES-B", inspected=100, defects={"ELEC": 4})
    a, b = automatic(tenant_a.supplier), automatic(tenant_b.supplier)
    assert len(a) == 1 and len(b) == 1
    assert a[0].notice.supplier == tenant_a.supplier and b[0].notice.supplier == tenant_b.supplier
    assert b[0].notice.lot == "LOT-BRAVO-A" and b[0].notice.defect_code.code == "ELEC"
    assert "MES-A" not in b[0].notice.description and "MES-B" not in a[0].notice.description


def test_a_new_notice_once_the_last_one_is_cancelled(tenant_a, mes, engineer):
    threshold(limit=10000)
    mes(tenant_a, "MES-1", inspected=100, defects={"SOLDER": 3})
    [first] = automatic()
    quality_notice_cancel(notice=first.notice, actor=engineer, reason="Sorting done, lot scrapped")
    mes(tenant_a, "MES-2", inspected=100, defects={"SOLDER": 3})
    assert len(automatic()) == 2 and QualityNotice.objects.filter(status="open").count() == 1


def test_the_most_specific_threshold_wins(tenant_a, mes):
    part = tenant_a.supplier_part.part
    threshold(limit=100, code="SOLDER")  # all parts: 100 ppm of SOLDER
    threshold(limit=50000, part=part, code="SOLDER", severity="minor")  # this part: 5 %
    threshold(limit=1000000 - 1, part=part)  # this part's total: practically never
    mes(tenant_a, "MES-1", inspected=100, defects={"SOLDER": 3})  # 30,000 ppm: under the part's 50,000
    assert automatic() == []
    mes(tenant_a, "MES-2", inspected=100, defects={"SOLDER": 8})  # 11 in 200 = 55,000 ppm
    [auto] = automatic()
    assert auto.defect_code == "SOLDER" and auto.threshold.part == part and auto.notice.severity == "minor"


def test_applicable_prefers_the_part_then_all_parts_and_skips_inactive(tenant_a, tenant_b):
    a, b = tenant_a.supplier_part.part, tenant_b.supplier_part.part
    general = threshold(limit=100, code="SOLDER")
    own = threshold(limit=200, part=a, code="SOLDER")
    total = threshold(limit=300)
    retired = threshold(limit=400, part=b, code="SOLDER", active=False)
    rows = list(DefectRateThreshold.objects.select_related("defect_code"))
    assert applicable(rows, part_id=a.pk, code="SOLDER") == own
    assert applicable(rows, part_id=b.pk, code="SOLDER") == general != retired
    assert applicable(rows, part_id=a.pk, code="") == total
    assert applicable(rows, part_id=a.pk, code="ELEC") is None  # codes without their own: only the total rate


def test_a_code_threshold_in_percent_and_an_unknown_mes_code(tenant_a, mes):
    threshold(limit="0.5", unit="percent", code="ELEC", severity="minor")
    threshold(limit=20000)
    mes(tenant_a, "MES-1", inspected=1000, defects={"ELEC": 6, "X-99": 1})  # ELEC 6,000 ppm > 5,000
    [auto] = automatic()
    assert auto.defect_code == "ELEC" and auto.notice.defect_code.code == "ELEC"
    assert auto.notice.rejected_quantity == 6 and "0.5 %" in auto.notice.title


def test_a_code_missing_from_the_list_raises_with_line_rate(tenant_a, mes):
    threshold(limit=10000)
    mes(tenant_a, "MES-1", inspected=100, defects={"X-99": 5})
    [auto] = automatic()
    assert auto.notice.defect_code.code == "LINE-RATE" and auto.defect_code == ""


def test_a_refused_notice_never_fails_the_mes_post(tenant_a, mes):
    from suppliers.production.models import InspectionResult

    threshold(limit=10000)
    SupplierPart.objects.filter(supplier=tenant_a.supplier).delete()
    mes(tenant_a, "MES-1", inspected=100, defects={"SOLDER": 5})
    assert InspectionResult.objects.filter(reference="MES-1").exists()
    assert not QualityNotice.objects.exists()
    assert Event.objects.filter(verb="quality.auto_notice_refused", supplier=tenant_a.supplier).exists()


def test_the_threshold_is_unique_per_scope(tenant_a):
    from django.core.exceptions import ValidationError

    threshold(limit=100)
    with pytest.raises(ValidationError):
        DefectRateThreshold(limit=Decimal(5), unit="ppm").full_clean()
    threshold(limit=100, part=tenant_a.supplier_part.part)  # another scope is fine


def test_the_quality_engineer_may_edit_thresholds_and_the_buyer_only_read(engineer, buyer):
    assert engineer.has_perms(["quality.add_defectratethreshold", "quality.change_defectratethreshold",
                               "quality.delete_defectratethreshold", "quality.view_automaticnotice"])
    assert buyer.has_perm("quality.view_defectratethreshold")
    assert not buyer.has_perm("quality.change_defectratethreshold")


def test_the_console_lists_and_adds_thresholds(engineer, tenant_a):
    from tests.conftest import login

    client = login(engineer)
    response = client.post("/console/quality/defectratethreshold/add/", {
        "part": tenant_a.supplier_part.part.pk, "defect_code": "", "limit": "1.5", "unit": "percent",
        "min_inspected": "50", "severity": "major", "is_active": "on", "note": "PCB line 2"})
    assert response.status_code == 302, response.content.decode()[:2000]
    t = DefectRateThreshold.objects.get()
    assert t.limit_ppm == Decimal(15000) and t.part == tenant_a.supplier_part.part
    assert Event.objects.filter(verb="defectratethreshold.created", actor=engineer).exists()
    listing = client.get("/console/quality/defectratethreshold/").content.decode()
    assert "P-ALPHA-1" in listing and "all defects" in listing
    assert client.get("/console/quality/automaticnotice/").status_code == 200

