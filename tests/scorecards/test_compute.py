"""The KPIs, computed in the database, against hand-counted expectations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from suppliers.scorecards import kpis
from tests.scorecards.conftest import AS_OF, Line, at, recompute, result

FEB = date(2026, 2, 1)
MAR = date(2026, 3, 1)


def _set_rules(**values):
    from suppliers.scorecards.services import SYSTEM, scorecard_settings_update

    scorecard_settings_update(actor=SYSTEM, **values)


# --- on-time delivery ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_on_time_counts_receipt_lines_inside_the_window_around_the_confirmed_else_requested_date(book_a):
    # given: four orders due 10 Feb (one confirmed for 14 Feb), received at -4, -3, 0 and +1 days
    a = book_a.order(Line(requested=date(2026, 2, 10)))
    b = book_a.order(Line(requested=date(2026, 2, 10)))
    c = book_a.order(Line(requested=date(2026, 2, 1), confirmed=date(2026, 2, 14)))
    d = book_a.order(Line(requested=date(2026, 2, 10)))
    book_a.deliver(a, received_on=date(2026, 2, 6))   # 4 days early: missed
    book_a.deliver(b, received_on=date(2026, 2, 7))   # 3 days early: on time
    book_a.deliver(c, received_on=date(2026, 2, 14))  # on the confirmed date (13 days after requested): on time
    book_a.deliver(d, received_on=date(2026, 2, 11))  # a day late: missed

    # when
    recompute()

    # then
    r = result(book_a.tenant.supplier, kpis.ON_TIME)
    assert (r.units, r.ok_units, r.value, r.score) == (4, 2, Decimal("50.00"), Decimal("50.00"))


@pytest.mark.django_db
def test_the_on_time_window_is_the_buyers(book_a):
    a = book_a.order(Line(requested=date(2026, 2, 10)))
    book_a.deliver(a, received_on=date(2026, 2, 11))
    recompute()
    assert result(book_a.tenant.supplier, kpis.ON_TIME).ok_units == 0

    _set_rules(on_time_late_days=1)
    recompute()

    assert result(book_a.tenant.supplier, kpis.ON_TIME).ok_units == 1


# --- ASN accuracy and timeliness ----------------------------------------------------------------------

@pytest.mark.django_db
def test_asn_accuracy_is_judged_per_lot(book_a):
    order = book_a.order(Line(quantity=100), Line(quantity=50))
    # line 1: two lots announced 60 + 40, lot B received short (38); line 2: a lot the ASN never named
    receipt = book_a.deliver(order, received_on=date(2026, 2, 9), lots=[
        [("A", 60, 60, 0), ("B", 40, 38, 0)],
        [("C", 50, 50, 0)],
    ])
    line2 = receipt.lines.get(lot="C")
    line2.lot = "X"
    line2.save()

    recompute()

    r = result(book_a.tenant.supplier, kpis.ASN_ACCURACY)
    assert (r.units, r.ok_units) == (3, 1)  # only lot A matches


@pytest.mark.django_db
def test_quantity_tolerance_lets_a_small_difference_pass(book_a):
    order = book_a.order(Line(quantity=100))
    book_a.deliver(order, received_on=date(2026, 2, 9), lots=[[("A", 100, 98, 0)]])
    _set_rules(quantity_tolerance_percent=Decimal(2))
    recompute()
    assert result(book_a.tenant.supplier, kpis.ASN_ACCURACY).ok_units == 1


@pytest.mark.django_db
def test_asn_timeliness_needs_an_asn_sent_by_the_day_of_receipt(book_a):
    on_time, late, none = (book_a.order(Line()) for _ in range(3))
    book_a.deliver(on_time, received_on=date(2026, 2, 9), asn_sent=at(date(2026, 2, 9), 7))
    book_a.deliver(late, received_on=date(2026, 2, 9), asn_sent=at(date(2026, 2, 10)))
    book_a.deliver(none, received_on=date(2026, 2, 9), asn=False)

    recompute()

    r = result(book_a.tenant.supplier, kpis.ASN_TIMELINESS)
    assert (r.units, r.ok_units) == (3, 1)
    accuracy = result(book_a.tenant.supplier, kpis.ASN_ACCURACY)
    assert accuracy.units == 2  # a receipt without an ASN has nothing to match


# --- quality --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_ppm_counts_receipt_rejections_and_notices_without_counting_the_same_parts_twice(book_a):
    # given: 10,000 received in February, 20 rejected at incoming inspection
    order = book_a.order(Line(quantity=6000), Line(quantity=4000))
    receipt = book_a.deliver(order, received_on=date(2026, 2, 9),
                             lots=[[("A", 6000, 6000, 20)], [("B", 4000, 4000, 0)]])
    # a notice about the same receipt and part for 15: the same parts, nothing added
    book_a.notice(rejected=15, receipt=receipt)
    recompute()
    r = result(book_a.tenant.supplier, kpis.QUALITY)
    assert (r.qa, r.qb, r.value) == (Decimal("10000.000"), Decimal("20.000"), Decimal("2000.00"))
    assert r.score == Decimal("80.00")  # 2,000 PPM of the 10,000 PPM limit

    # when: another notice on that receipt brings its notices to 35 (15 more than the receipt's 20),
    # and one found on the line with no receipt adds 5; a cancelled one adds nothing
    book_a.notice(rejected=20, receipt=receipt)
    book_a.notice(rejected=5, raised=at(date(2026, 2, 20)))
    book_a.notice(rejected=500, receipt=receipt, status="cancelled")
    recompute()

    # then
    r = result(book_a.tenant.supplier, kpis.QUALITY)
    assert r.qb == Decimal("40.000")
    assert r.value == Decimal("4000.00")


@pytest.mark.django_db
def test_ppm_score_is_zero_at_the_limit(book_a):
    order = book_a.order(Line(quantity=1000))
    book_a.deliver(order, received_on=date(2026, 2, 9), lots=[[("A", 1000, 1000, 50)]])  # 50,000 PPM
    recompute()
    assert result(book_a.tenant.supplier, kpis.QUALITY).score == Decimal("0.00")


# --- quantity against the order -----------------------------------------------------------------------

@pytest.mark.django_db
def test_quantity_accuracy_compares_what_arrived_with_the_confirmed_quantity_of_lines_due(book_a):
    full = book_a.order(Line(quantity=100, requested=date(2026, 2, 10)))
    short = book_a.order(Line(quantity=100, requested=date(2026, 2, 10)))
    changed = book_a.order(Line(quantity=100, requested=date(2026, 2, 10), confirmed_quantity=80))
    never = book_a.order(Line(quantity=100, requested=date(2026, 2, 20)))
    cancelled = book_a.order(Line(quantity=100, requested=date(2026, 2, 20)))
    cancelled.lines.update(cancelled=True)
    book_a.order(Line(quantity=100, requested=date(2026, 4, 20)))  # due after as_of: not yet counted
    book_a.deliver(full, received_on=date(2026, 2, 10))
    book_a.deliver(short, received_on=date(2026, 2, 10), lots=[[("S", 100, 90, 0)]])
    book_a.deliver(changed, received_on=date(2026, 2, 10), lots=[[("C", 80, 80, 0)]])
    del never

    recompute()

    r = result(book_a.tenant.supplier, kpis.QUANTITY)
    # full, the confirmed 80 and the tenant fixture's order (due 1 February, received in full) are
    # right; short and never delivered miss; the cancelled line and the one due in April do not count
    assert (r.units, r.ok_units) == (5, 3)


# --- order response ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_order_response_time_from_sending_to_the_first_answer(book_a):
    from django.contrib.contenttypes.models import ContentType

    from suppliers.models import Event, PurchaseOrder

    sent = at(date(2026, 2, 2))
    fast, slow, by_phone, _silent, fresh = (book_a.order(Line(), sent=sent) for _ in range(5))
    book_a.respond(fast, at_=sent + timedelta(hours=5))
    book_a.respond(slow, at_=sent + timedelta(hours=60))
    # the buyer recorded a confirmation given by telephone (no order response document)
    Event.objects.create(verb="po.confirmed", actor_label="buyer", supplier=book_a.tenant.supplier,
                         content_type=ContentType.objects.get_for_model(PurchaseOrder), object_id=str(by_phone.pk),
                         occurred_at=sent + timedelta(hours=20))
    # sent 10 hours before as_of and not answered yet: still inside the 48 hours, not counted
    PurchaseOrder.objects.filter(pk=fresh.pk).update(issued_at=AS_OF - timedelta(hours=10))

    recompute(last_month=date(2026, 4, 1), months=4)

    r = result(book_a.tenant.supplier, kpis.RESPONSE)
    assert (r.units, r.ok_units) == (4, 2)  # fast and by phone on time; slow late; silent never answered
    assert r.qb == 3 and r.average_latency_hours == Decimal("28.3")  # (5 + 60 + 20) / 3
    assert result(book_a.tenant.supplier, kpis.RESPONSE, month=date(2026, 4, 1)) is None  # only a pending order


# --- forecast commitments --------------------------------------------------------------------------------

def _version(supplier, part, number, *, published, superseded=None):
    from suppliers.forecasts.models import ForecastLine, ForecastVersion

    v = ForecastVersion.objects.create(
        supplier=supplier, number=number, horizon_start=date(2026, 2, 2), horizon_end=date(2026, 3, 29),
        firm_until=date(2026, 3, 1), planning_until=date(2026, 3, 29), superseded_at=superseded)
    ForecastVersion.objects.filter(pk=v.pk).update(published_at=published)
    return ForecastLine.objects.create(version=v, line_no=1, part=part)


def _bucket(line, index, quantity, committed, zone="firm"):
    from suppliers.forecasts.models import ForecastBucket, ReasonCode

    short = committed is not None and committed < quantity
    ForecastBucket.objects.create(line=line, index=index, start=date(2026, 2, 2) + timedelta(weeks=index),
                                  end=date(2026, 2, 8) + timedelta(weeks=index), kind="week", zone=zone,
                                  quantity=Decimal(quantity), committed_quantity=None if committed is None else Decimal(committed),
                                  reason=ReasonCode.objects.first() if short else None)


@pytest.mark.django_db
def test_forecast_commit_rate_is_the_share_of_forecast_quantity_committed(book_a):
    supplier, part = book_a.tenant.supplier, book_a.part
    # v1 was replaced after a day: its unanswered bucket is not held against the supplier
    v1 = _version(supplier, part, 1, published=at(date(2026, 2, 2)), superseded=at(date(2026, 2, 3)))
    _bucket(v1, 0, 100, 100)
    _bucket(v1, 1, 100, None)
    # v2 was current for 17 days
    v2 = _version(supplier, part, 2, published=at(date(2026, 2, 3)), superseded=at(date(2026, 2, 20)))
    _bucket(v2, 0, 100, 100)     # in full
    _bucket(v2, 1, 100, 60)      # short: 60 of 100
    _bucket(v2, 2, 100, None)    # never answered: 0 of 100
    _bucket(v2, 3, 100, 100, zone="outlook")  # outlook: not asked for
    # v3 is current, published long before as_of
    v3 = _version(supplier, part, 3, published=at(date(2026, 2, 20)))
    _bucket(v3, 0, 200, 250)     # more than asked: 200 of 200
    _bucket(v3, 1, 100, None)    # not answered in the 48 hours: 0 of 100

    recompute()

    r = result(supplier, kpis.FORECAST_COMMIT)
    assert (r.units, r.ok_units, r.qa, r.qb) == (6, 3, Decimal("700.000"), Decimal("460.000"))
    assert r.value == Decimal("65.71")


@pytest.mark.django_db
def test_a_forecast_still_inside_its_answer_time_does_not_count_yet(book_a):
    supplier, part = book_a.tenant.supplier, book_a.part
    fresh = _version(supplier, part, 1, published=AS_OF - timedelta(hours=10))
    _bucket(fresh, 0, 100, None)

    recompute(last_month=date(2026, 4, 1), months=4)
    assert result(supplier, kpis.FORECAST_COMMIT, month=date(2026, 4, 1)) is None

    recompute(last_month=date(2026, 4, 1), months=4, as_of=AS_OF + timedelta(hours=40))
    assert result(supplier, kpis.FORECAST_COMMIT, month=date(2026, 4, 1)).units == 1


# --- invoice prices ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_invoice_price_accuracy_against_the_order_price(book_a):
    order = book_a.order(Line(price="2.00"), Line(price="3.00"), Line(price="4.00"))
    book_a.invoice(order, on=date(2026, 2, 15), prices=["2.00", "3.03", "4.40"])
    recompute()
    assert (result(book_a.tenant.supplier, kpis.PRICE).units, result(book_a.tenant.supplier, kpis.PRICE).ok_units) == (3, 1)

    _set_rules(price_tolerance_percent=Decimal(1))
    recompute()
    assert result(book_a.tenant.supplier, kpis.PRICE).ok_units == 2


@pytest.mark.django_db
def test_an_invoice_in_another_currency_is_not_accurate(book_a):
    order = book_a.order(Line(price="2.00"))
    book_a.invoice(order, on=date(2026, 2, 15), currency="EUR")
    recompute()
    assert result(book_a.tenant.supplier, kpis.PRICE).ok_units == 0


# --- weights, grades, periods -----------------------------------------------------------------------

@pytest.mark.django_db
def test_kpis_without_evidence_do_not_count_and_the_weights_are_renormalised(book_a):
    from suppliers.scorecards.models import Scorecard

    # given: in March only deliveries (on time 1/2, ASN on time and accurate, no rejections)
    a, b = book_a.order(Line(requested=date(2026, 3, 10))), book_a.order(Line(requested=date(2026, 3, 10)))
    book_a.deliver(a, received_on=date(2026, 3, 10))
    book_a.deliver(b, received_on=date(2026, 3, 12))

    recompute()

    # then: on time 50 (weight 30), ASN accuracy 100 (10), ASN timeliness 100 (5), quality 100 (25);
    # order lines are due in March too: 2/2 received in full (10). No response, forecast or invoice.
    card = Scorecard.objects.get(supplier=book_a.tenant.supplier, period="month", month=MAR)
    expected = (Decimal(50) * 30 + Decimal(100) * (10 + 5 + 25 + 10)) / 80
    assert card.score == expected.quantize(Decimal("0.01"))
    assert (card.weight_counted, card.kpis_counted, card.grade) == (80, 5, "B")


@pytest.mark.django_db
def test_grade_bands_are_the_buyers(book_a):
    from suppliers.scorecards.models import Scorecard

    order = book_a.order(Line(requested=date(2026, 3, 10)))
    book_a.deliver(order, received_on=date(2026, 3, 12))  # late: on time 0
    recompute()
    card = Scorecard.objects.get(supplier=book_a.tenant.supplier, period="month", month=MAR)
    assert (card.score, card.grade) == (Decimal("62.50"), "C")  # (0 x 30 + 100 x 50) / 80

    _set_rules(grade_a_min=Decimal(95), grade_b_min=Decimal(80), grade_c_min=Decimal(71))
    recompute()
    assert Scorecard.objects.get(pk=card.pk).grade == "D"


@pytest.mark.django_db
def test_rolling_twelve_months_add_up_the_months_inputs_not_their_percentages(book_a):
    # February: 1 of 1 on time; March: 1 of 3 on time. Average of months: 66.7; of lines: 50.
    feb = book_a.order(Line(requested=date(2026, 2, 10)))
    book_a.deliver(feb, received_on=date(2026, 2, 10))
    mar = book_a.order(Line(requested=date(2026, 3, 10)), Line(requested=date(2026, 3, 1)), Line(requested=date(2026, 3, 1)))
    book_a.deliver(mar, received_on=date(2026, 3, 10))

    recompute()

    supplier = book_a.tenant.supplier
    assert result(supplier, kpis.ON_TIME, month=FEB).value == Decimal("100.00")
    assert result(supplier, kpis.ON_TIME, month=MAR).value == Decimal("33.33")
    rolling = result(supplier, kpis.ON_TIME, month=MAR, period=kpis.ROLLING)
    # the tenant fixture's own January receipt (on time) is inside the 12 months too
    assert (rolling.units, rolling.ok_units, rolling.value) == (5, 3, Decimal("60.00"))


# --- runs -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_recomputing_the_same_data_gives_the_same_numbers_and_writes_nothing(book_a, book_b):
    from suppliers.scorecards.models import KpiResult, Scorecard

    for book in (book_a, book_b):
        order = book.order(Line(requested=date(2026, 2, 10)), Line(requested=date(2026, 2, 12)))
        book.deliver(order, received_on=date(2026, 2, 11), lots=[[("A", 100, 100, 3)], [("B", 100, 99, 0)]])
        book.invoice(order, on=date(2026, 2, 20))

    def snapshot():
        return (sorted(KpiResult.objects.values_list("supplier_id", "period", "month", "kpi", "units", "ok_units", "qa",
                                                     "qb", "value", "score")),
                sorted(Scorecard.objects.values_list("supplier_id", "period", "month", "score", "grade")))

    first = recompute()
    before = snapshot()
    second = recompute()

    assert snapshot() == before
    assert first.counts["kpis_added"] == len(before[0])
    assert (second.counts["kpis_changed"], second.counts["kpis_added"], second.counts["kpis_removed"]) == (0, 0, 0)
    assert second.counts["scorecards_changed"] == 0


@pytest.mark.django_db
def test_a_run_for_one_supplier_leaves_the_others_alone(book_a, book_b):
    from suppliers.scorecards.models import KpiResult

    recompute()
    b_rows = list(KpiResult.objects.filter(supplier=book_b.tenant.supplier).values_list("pk", "run_id"))
    late = book_a.order(Line(requested=date(2026, 2, 10)))
    book_a.deliver(late, received_on=date(2026, 2, 20))

    run = recompute(supplier=book_a.tenant.supplier)

    assert list(KpiResult.objects.filter(supplier=book_b.tenant.supplier).values_list("pk", "run_id")) == b_rows
    assert result(book_a.tenant.supplier, kpis.ON_TIME).run_id == run.pk


@pytest.mark.django_db
def test_a_month_whose_evidence_disappeared_loses_its_figures(book_a):
    from suppliers.models import GoodsReceipt

    order = book_a.order(Line(requested=date(2026, 2, 10)))
    receipt = book_a.deliver(order, received_on=date(2026, 2, 10))
    recompute()
    assert result(book_a.tenant.supplier, kpis.ON_TIME) is not None

    GoodsReceipt.objects.filter(pk=receipt.pk).update(received_on=date(2026, 3, 2))
    receipt.lines.update(received_on=date(2026, 3, 2))
    run = recompute()

    assert result(book_a.tenant.supplier, kpis.ON_TIME) is None
    assert run.counts["kpis_removed"] >= 1


@pytest.mark.django_db
def test_runs_are_audited_with_their_rules(book_a):
    from suppliers.models import Event

    run = recompute()
    assert run.parameters["weights"] == kpis.DEFAULT_WEIGHTS
    assert run.parameters["on_time_early_days"] == 3
    event = Event.objects.filter(verb="scorecards.computed").latest("occurred_at")
    assert event.payload["run"] == run.pk and event.actor_label == "system:scorecards"
