"""The console's traceability page: who may open it, what it shows, holds placed and released from it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suppliers.models import Event
from suppliers.production.models import LotHold
from tests.conftest import login
from tests.trace.conftest import part, post_wo, staff_with

URL = "/console/traceability/"


def test_a_buyer_sees_origin_forward_tree_and_links_on_one_page(genealogy, buyer):
    alpha, _ = genealogy
    response = login(buyer).get(URL, {"q": "LOT-ALPHA-A"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("ASN-ALPHA-1", "PO-ALPHA-1", "GR-ALPHA-1", "WO-1", "SUB-L1", "FG-0001", "FG-0002", "FG-0003",
                 "Put the lot on quality hold"):
        assert text in html, text
    assert reverse("admin:suppliers_despatchadvice_change", args=[alpha.asn.pk]) in html
    assert reverse("admin:suppliers_purchaseorder_change", args=[alpha.order.pk]) in html
    finished = html[html.index('data-testid="trace-forward-finished"'):]
    assert "FG-0001, FG-0002, FG-0003" in finished[:2000]


def test_a_cut_tree_links_to_the_whole_tree(genealogy, buyer, monkeypatch):
    from suppliers.production import views

    monkeypatch.setattr(views, "MAX_ROWS", 2)
    client = login(buyer)
    html = client.get(URL, {"q": "LOT-ALPHA-A"}).content.decode()
    assert 'data-testid="trace-forward-cut"' in html and "full=1" in html
    assert 'data-testid="node-FG-0003"' not in html  # not in the rows shown, but listed as finished
    assert "FG-0003" in html
    whole = client.get(URL, {"q": "LOT-ALPHA-A", "full": "1"}).content.decode()
    assert 'data-testid="node-FG-0003"' in whole and 'data-testid="trace-forward-cut"' not in whole


def test_a_finished_serial_shows_its_component_lots(genealogy, buyer):
    html = login(buyer).get(URL, {"q": "FG-0001"}).content.decode()
    assert 'data-testid="trace-backward"' in html
    assert "LOT-ALPHA-A" in html and "LOT-BRAVO-A" in html and "BRAVO" in html


def test_quality_notices_link_to_their_console_pages(genealogy, quality_engineer):
    from suppliers.quality.models import DefectCode, QualityNotice

    alpha, _ = genealogy
    code = DefectCode.objects.get_or_create(code="DIM", defaults={"label": "Dimension"})[0]
    notice = QualityNotice.objects.create(number="QN-77", supplier=alpha.supplier, part=alpha.supplier_part.part,
                                          lot="LOT-ALPHA-A", defect_code=code, rejected_quantity=3, title="Burr",
                                          description="x")
    html = login(quality_engineer).get(URL, {"q": "LOT-ALPHA-A"}).content.decode()
    assert reverse("admin:quality_qualitynotice_change", args=[notice.pk]) in html and "Burr" in html


def test_nothing_found_says_so(db, buyer):
    response = login(buyer).get(URL, {"q": "NO-SUCH-LOT"})
    assert response.status_code == 200 and 'data-testid="trace-none"' in response.content.decode()


def test_a_supplier_user_is_sent_to_the_console_login(genealogy):
    alpha, _ = genealogy
    for user in (alpha.admin, alpha.member):
        response = login(user).get(URL, {"q": "LOT-ALPHA-A"})
        assert response.status_code == 302 and "/console/login/" in response["Location"]
        assert login(user).post(reverse("traceability:hold"), {"part": alpha.supplier_part.part.pk,
                                                                 "lot": "LOT-ALPHA-A", "reason": "x"}).status_code == 302
    assert not LotHold.objects.exists()


def test_staff_without_the_permission_get_403(genealogy):
    alpha, _ = genealogy
    client = login(staff_with("ops@tsunagi.test", "production.view_workorder"))
    assert client.get(URL, {"q": "LOT-ALPHA-A"}).status_code == 403
    assert client.post(reverse("traceability:hold"), {"part": alpha.supplier_part.part.pk, "lot": "LOT-ALPHA-A",
                                                      "reason": "x"}).status_code == 403
    # may trace, may not hold: no button, and the POST is refused
    viewer = login(staff_with("viewer@tsunagi.test", "production.view_lottrace"))
    page = viewer.get(URL, {"q": "LOT-ALPHA-A"})
    assert page.status_code == 200 and "Put the lot on quality hold" not in page.content.decode()
    assert viewer.post(reverse("traceability:hold"), {"part": alpha.supplier_part.part.pk, "lot": "LOT-ALPHA-A",
                                                      "reason": "x"}).status_code == 403
    assert not LotHold.objects.exists()


def test_hold_placed_and_released_from_the_page_with_audit_events(genealogy, buyer):
    alpha, _ = genealogy
    p = alpha.supplier_part.part
    client = login(buyer)
    # when
    response = client.post(reverse("traceability:hold"), {"part": p.pk, "lot": "LOT-ALPHA-A",
                                                          "supplier": alpha.supplier.pk, "reason": "Cracked housings"},
                           follow=True)
    # then
    hold = LotHold.objects.get()
    assert (hold.part, hold.lot, hold.supplier, hold.placed_by, hold.is_active) == (
        p, "LOT-ALPHA-A", alpha.supplier, buyer, True)
    html = response.content.decode()
    assert "is on quality hold" in html and 'data-testid="held-badge"' in html and "Cracked housings" in html
    event = Event.objects.get(verb="production.lot_hold_placed")
    assert event.actor == buyer and event.payload["lot"] == "LOT-ALPHA-A"
    # the hold shows wherever the lot shows: in FG-0001's backward tree
    back = client.get(URL, {"q": "FG-0001"}).content.decode()
    assert back.count("HELD") == 1
    # a second hold on the same part and lot is refused, with a clear message
    again = client.post(reverse("traceability:hold"), {"part": p.pk, "lot": "LOT-ALPHA-A", "reason": "again"},
                        follow=True)
    assert "already on hold" in again.content.decode()
    assert LotHold.objects.count() == 1
    # release needs a note
    refused = client.post(reverse("traceability:release"), {"hold": hold.pk, "note": ""}, follow=True)
    assert "Say why the lot may be used again" in refused.content.decode()
    client.post(reverse("traceability:release"), {"hold": hold.pk, "note": "Sorted, 0 defects in 500"})
    hold.refresh_from_db()
    assert hold.released_by == buyer and hold.release_note == "Sorted, 0 defects in 500" and not hold.is_active
    assert Event.objects.filter(verb="production.lot_hold_released", object_id=str(hold.pk)).exists()
    # released: a new hold may be placed
    client.post(reverse("traceability:hold"), {"part": p.pk, "lot": "LOT-ALPHA-A", "reason": "New finding"})
    assert LotHold.objects.filter(released_at__isnull=True).count() == 1
    # a GET does not place anything
    assert client.get(reverse("traceability:hold")).status_code == 405


def test_the_holds_are_listed_in_the_console(genealogy, buyer):
    from suppliers.production.services import lot_hold_place

    alpha, _ = genealogy
    lot_hold_place(part=alpha.supplier_part.part, lot="LOT-ALPHA-A", reason="Cracks", actor=buyer)
    client = login(buyer)
    html = client.get(reverse("admin:production_lothold_changelist") + "?active=yes").content.decode()
    assert "LOT-ALPHA-A" in html and "Cracks" in html and "/console/traceability/?q=LOT-ALPHA-A" in html
    index = client.get("/console/").content.decode()
    assert 'data-testid="trace-overview"' in index and "1 lot on quality hold" in index


def wide_tree(prefix: str, width: int) -> None:
    """A component lot used by ``width`` work orders, each making a sub-assembly lot built into a serial."""
    part("W-SUB")
    part("W-FG")
    part("W-COMP")
    for i in range(width):
        post_wo(f"{prefix}-A{i}", part_number="W-SUB", components=[("W-COMP", f"{prefix}-LOT")],
                outputs=[{"lot": f"{prefix}-S{i}"}])
        post_wo(f"{prefix}-B{i}", part_number="W-FG", components=[("W-SUB", f"{prefix}-S{i}")],
                outputs=[{"serial": f"{prefix}-FG{i}-{k}"} for k in range(3)])


def test_the_page_queries_do_not_grow_with_the_tree(tenant_a, buyer, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wide_tree("N", 2)
    wide_tree("M", 40)
    client = login(buyer)
    client.get(URL)  # session and permissions warmed up
    counts = {}
    for query, shows in (("N-LOT", "N-FG1-2"), ("M-LOT", "M-FG39-2"), ("N-FG0-1", "N-LOT"), ("M-FG39-1", "M-LOT")):
        # the console chrome and permissions (~7), origin and seeds (7), 2 per genealogy level, parts and holds (2)
        with django_assert_max_num_queries(24), CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, {"q": query})
        assert shows in response.content.decode()
        counts[query] = len(ctx)
    # 2 x 3 = 6 work orders and serials against 40 x 3 = 120: the same queries
    assert counts["N-LOT"] == counts["M-LOT"] and counts["N-FG0-1"] == counts["M-FG39-1"], counts


@pytest.mark.parametrize("language,title,button", [("ja", "ロットトレーサビリティ", "ロットを品質保留にする"),
                                                   ("zh-hans", "批次追溯", "冻结该批次")])
def test_the_page_in_japanese_and_chinese(genealogy, buyer, language, title, button):
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(buyer, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(URL, {"q": "LOT-ALPHA-A"}).content.decode()
    assert title in html and button in html
    assert "Put the lot on quality hold" not in html and "Where it came from" not in html


def test_a_serial_shipped_on_an_asn_is_found_by_its_number(genealogy, buyer):
    alpha, _ = genealogy
    html = login(buyer).get(URL, {"q": "SN-ALPHA-1"}).content.decode()
    assert 'data-testid="trace-asns"' in html and "ASN-ALPHA-1" in html
