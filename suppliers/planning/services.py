"""Writes of demand planning: forecast runs, the buyer's adjustments, publishing to suppliers,
replenishment runs and the approval queue. Keyword-only, atomic, audited."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from suppliers import services as core
from suppliers.audit import Actor, as_actor, event_record
from suppliers.errors import DomainError, InvalidTransition
from suppliers.models import Part, Plant, PurchaseOrder, Supplier
from suppliers.planning import forecasting, policy, selectors
from suppliers.planning.models import (
    ForecastAdjustment,
    ForecastRun,
    PartForecast,
    ReplenishmentPolicy,
    ReplenishmentProposal,
    VendorManagedLevel,
)

AnyActor = Actor | AbstractBaseUser | None
HISTORY_WEEKS = 156  # at most three years of weekly history per series


def _float(value: Any) -> float:
    return float(value) if value is not None else 0.0


# --- forecast runs ---------------------------------------------------------------------------------

def forecast_run(
    *, actor: AnyActor, today: date | None = None, parts: Iterable[int] | None = None,
    plants: Iterable[int] | None = None, workers: int = 1,
) -> ForecastRun:
    """Forecast every part and plant with consumption history (or the given ones).

    History is the full weeks before this week's Monday; the forecast starts on that Monday. The
    models are fitted outside any transaction; the results replace the current forecasts of those
    series in one transaction with one audit event.
    """
    who = as_actor(actor)
    first_week = selectors.monday_of(today or timezone.localdate())
    run = ForecastRun.objects.create(actor_label=who.label[:150], first_week=first_week)
    started = time.perf_counter()
    try:
        series = selectors.weekly_history(until=first_week, since=first_week - timedelta(weeks=HISTORY_WEEKS),
                                          parts=parts, plants=plants)
        results = forecasting.forecast_many([s.values for s in series], workers=workers)
        rows = [_part_forecast(run, s, result) for s, result in zip(series, results)]
        with transaction.atomic():
            stale = PartForecast.objects.filter(is_current=True)
            if parts is not None:
                stale = stale.filter(part_id__in=list(parts))
            if plants is not None:
                stale = stale.filter(plant_id__in=list(plants))
            stale.update(is_current=False)
            PartForecast.objects.bulk_create(rows, batch_size=500)
            run.status = ForecastRun.Status.DONE
            run.finished_at = timezone.now()
            run.series = len(rows)
            run.seconds = round(time.perf_counter() - started, 3)
            run.summary = _run_summary(rows)
            run.save()
            event_record(actor=who, verb="planning.forecast_run", obj=run, payload={
                "first_week": str(first_week), "series": len(rows), "seconds": run.seconds, **run.summary})
    except Exception as exc:
        ForecastRun.objects.filter(pk=run.pk).update(
            status=ForecastRun.Status.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    return run


def _part_forecast(run: ForecastRun, s: selectors.History, r: forecasting.SeriesForecast) -> PartForecast:
    m, b = r.metrics, r.baseline_metrics
    return PartForecast(
        run=run, part_id=s.part_id, plant_id=s.plant_id, is_current=True, first_week=run.first_week,
        history_start=s.start, history=[round(v, 3) for v in s.values],
        values=[round(float(v), 3) for v in r.forecast],
        demand_class=r.demand.kind, adi=r.demand.adi, cv2=r.demand.cv2, seasonal=r.demand.seasonal,
        model=r.model, baseline_model=r.baseline,
        mase=m.as_dict()["mase"] if m else None, wape=m.as_dict()["wape"] if m else None,
        bias=m.as_dict()["bias"] if m else None, sigma=round(r.sigma, 4),
        baseline_mase=b.as_dict()["mase"] if b else None, baseline_wape=b.as_dict()["wape"] if b else None,
        baseline_bias=b.as_dict()["bias"] if b else None,
        candidates={name: met.as_dict() for name, met in r.candidates.items()}
        | ({"failed": r.failed} if r.failed else {}),
    )


def _run_summary(rows: Sequence[PartForecast]) -> dict[str, Any]:
    scored = [r for r in rows if r.mase is not None and r.baseline_mase is not None]
    return {
        "classes": dict(Counter(r.demand_class for r in rows)),
        "models": dict(Counter(r.model for r in rows)),
        "mean_mase": round(sum(r.mase for r in scored) / len(scored), 4) if scored else None,
        "mean_baseline_mase": round(sum(r.baseline_mase for r in scored) / len(scored), 4) if scored else None,
        "beats_baseline": sum(1 for r in scored if r.mase < r.baseline_mase),
    }


# --- adjustments -----------------------------------------------------------------------------------

@transaction.atomic
def forecast_adjust(
    *, part: Part, plant: Plant, changes: dict[date, Decimal | None], actor: AnyActor, note: str = "",
) -> int:
    """Set (a quantity) or remove (None) the buyer's figure for weeks of a part's forecast at a plant.

    Returns how many weeks changed. The audit event lists each week before and after, beside
    the statistical figure.
    """
    who = as_actor(actor)
    current = selectors.current_forecast(part=part, plant=plant)
    statistical = {w.start: w.statistical for w in selectors.forecast_weeks(current)} if current else {}
    existing = {a.week: a for a in ForecastAdjustment.objects.select_for_update().filter(part=part, plant=plant)}
    log = []
    for week, quantity in sorted(changes.items()):
        if week.weekday() != 0:
            raise DomainError(gettext("%(week)s is not a Monday: adjustments are per week.") % {"week": week})
        if quantity is not None and quantity < 0:
            raise DomainError(gettext("Week %(w)s: a forecast cannot be negative.") % {"w": week})
        row = existing.get(week)
        before = row.quantity if row else None
        if quantity is None:
            if row is None:
                continue
            row.delete()
        elif row is None:
            ForecastAdjustment.objects.create(part=part, plant=plant, week=week, quantity=quantity, note=note[:200],
                                              updated_by=who.user)
        elif row.quantity != quantity or (note and row.note != note):
            row.quantity, row.note, row.updated_by = quantity, note[:200] or row.note, who.user
            row.save()
        else:
            continue
        log.append({"week": str(week), "statistical": statistical.get(week),
                    "before": None if before is None else format(before.normalize(), "f"),
                    "after": None if quantity is None else format(quantity.normalize(), "f")})
    if log:
        event_record(actor=who, verb="planning.forecast_adjusted", obj=current, payload={
            "part": part.buyer_part_number, "plant": plant.code, "note": note[:200], "weeks": log})
    return len(log)


# --- publishing to suppliers --------------------------------------------------------------------------

def _periods(weekly: Sequence[tuple[date, Decimal]], horizon_start: date, horizon_last: date) -> list[dict[str, str]]:
    out = []
    for start, quantity in weekly:
        if start < horizon_start or start > horizon_last:
            continue
        end = start + timedelta(days=6)
        if end > horizon_last:
            days = (horizon_last - start).days + 1
            quantity = (quantity * days / 7).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            end = horizon_last
        out.append({"start": start.isoformat(), "end": end.isoformat(), "quantity": format(quantity, "f")})
    return out


def statistical_lines(*, horizon_start: date) -> dict[int, dict[str, Any]]:
    """Per supplier id: the delivery_schedule lines of its share of the final forecasts (summed
    over plants) and the plants they come from."""
    from suppliers.forecasts import buckets as bucketing

    horizon_last = bucketing.horizon_end(horizon_start)
    adjustments = selectors.adjustments_by_pair()
    per_part: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    plants: dict[int, set[int]] = defaultdict(set)
    parts: dict[int, Part] = {}
    for fc in selectors.current_forecasts():
        for week in selectors.forecast_weeks(fc, adjustments.get((fc.part_id, fc.plant_id))):
            per_part[fc.part_id][week.start] += week.final
        plants[fc.part_id].add(fc.plant_id)
        parts[fc.part_id] = fc.part
    out: dict[int, dict[str, Any]] = {}
    for part_id, weeks in per_part.items():
        for source in selectors.sources_of(part_id):
            if source.share <= 0:
                continue
            share = Decimal(source.share) / 100
            weekly = [(start, (Decimal(str(q)) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                      for start, q in sorted(weeks.items())]
            schedule = _periods(weekly, horizon_start, horizon_last)
            if not schedule:
                continue
            entry = out.setdefault(source.supplier_part.supplier_id, {
                "supplier": source.supplier_part.supplier, "lines": [], "plants": set()})
            entry["lines"].append({"buyer_part": parts[part_id].buyer_part_number, "unit": parts[part_id].unit,
                                   "schedule": schedule, "share": source.share})
            entry["plants"] |= plants[part_id]
    return out


@transaction.atomic
def forecast_publish_statistical(
    *, actor: AnyActor, suppliers: Iterable[Supplier] | None = None, horizon_start: date | None = None,
    note: str = "",
) -> list:
    """Publish the final forecasts (statistical, adjusted by the buyer) as a new forecast version to
    each supplier, split by the suppliers' shares of each part. Suppliers with EDI receive it as
    DELFOR / 830 (the forecasts app sends it after commit).

    A version replaces the supplier's current one, so each supplier gets every part it supplies.
    When the supplier's current version already holds these very figures (its reference carries
    their digest) it is returned as it is: publishing twice, or retrying, sends nothing new.
    """
    from suppliers.forecasts.models import ForecastVersion
    from suppliers.forecasts.services import forecast_publish

    who = as_actor(actor)
    start = selectors.monday_of(horizon_start or timezone.localdate())
    wanted = {s.pk for s in suppliers} if suppliers is not None else None
    by_supplier = statistical_lines(horizon_start=start)
    versions = []
    for supplier_id, entry in sorted(by_supplier.items(), key=lambda kv: kv[1]["supplier"].code):
        if wanted is not None and supplier_id not in wanted:
            continue
        supplier = entry["supplier"]
        lines = sorted(entry["lines"], key=lambda li: li["buyer_part"])
        current = ForecastVersion.objects.filter(supplier=supplier, superseded_at=None).first()
        digest = hashlib.sha256(json.dumps([str(start), lines], sort_keys=True).encode()).hexdigest()[:20]
        if current is not None and current.reference.startswith(f"stat:{digest}:"):
            versions.append(current)  # these very figures are what the supplier has
            continue
        ship_to = Plant.objects.get(pk=next(iter(entry["plants"]))) if len(entry["plants"]) == 1 else None
        version = forecast_publish(
            supplier=supplier, actor=who, source=ForecastVersion.Source.STATISTICAL, horizon_start=start,
            lines=[{k: v for k, v in li.items() if k != "share"} for li in lines],
            reference=f"stat:{digest}:{(current.number if current else 0) + 1}", ship_to=ship_to, note=note,
        )
        event_record(actor=who, verb="planning.forecast_published", obj=version, supplier=supplier, payload={
            "version": version.number, "horizon_start": str(start), "parts": len(lines),
            "shares": {li["buyer_part"]: li["share"] for li in lines},
        })
        versions.append(version)
    if wanted is not None and not versions:
        raise DomainError(gettext("None of these suppliers supplies a part with a current forecast."))
    return versions


# --- replenishment -----------------------------------------------------------------------------------

@dataclass
class Evaluation:
    part: str
    plant: str
    outcome: str  # ordered | proposed | updated | waiting | cancelled | enough | skipped
    note: str = ""
    position: float | None = None
    reorder_point: float | None = None
    quantity: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class ReplenishmentReport:
    evaluations: list[Evaluation] = field(default_factory=list)
    orders: list[PurchaseOrder] = field(default_factory=list)
    proposals: list[ReplenishmentProposal] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for e in self.evaluations if e.outcome == outcome)

    @property
    def awaiting(self) -> int:
        """Proposals left for approval after this run."""
        return self.count("proposed") + self.count("updated") + self.count("waiting")


def parameters_for(pol: ReplenishmentPolicy, source: selectors.Source) -> policy.Parameters:
    sp, terms = source.supplier_part, source.terms
    return policy.Parameters(
        service_level=_float(pol.service_level), lead_time_days=float(sp.lead_time_days),
        review_weeks=_float(pol.review_weeks), rule=pol.quantity_rule, cover_weeks=_float(pol.cover_weeks),
        max_cover_weeks=_float(pol.max_cover_weeks), holding_rate=_float(pol.holding_rate),
        ordering_cost=_float(terms.ordering_cost) if terms else 0.0, unit_price=_float(sp.price),
        minimum=_float(terms.minimum_order_quantity) if terms else 0.0,
        multiple=_float(terms.order_multiple) if terms else 0.0,
    )


def evaluate(pol: ReplenishmentPolicy, *, today: date) -> tuple[str, dict[str, Any] | None, Any]:
    """The decision for one policy: (note when skipped, inputs, (decision, source, forecast))."""
    sources = selectors.sources_of(pol.part_id)
    if not sources:
        return "no active supplier for this part", None, None
    source = sources[0]
    fc = selectors.current_forecast(part=pol.part, plant=pol.plant)
    if fc is None:
        return "no current forecast", None, None
    week = selectors.monday_of(today)
    adjustments = selectors.adjustments_for(part_id=pol.part_id, plant_id=pol.plant_id)
    weekly = selectors.final_forecast(fc, adjustments, from_week=week)
    if not weekly:
        return "the forecast ends before this week: run the forecasts", None, None
    stock = selectors.stock_of(part_id=pol.part_id, plant_id=pol.plant_id)
    open_qty, open_lines = selectors.on_order(part_id=pol.part_id, plant_id=pol.plant_id)
    params = parameters_for(pol, source)
    decision = policy.decide(forecast=weekly, sigma=fc.sigma, available=float(stock.available),
                             on_order=float(open_qty), p=params)
    sp = source.supplier_part
    inputs = {
        "part": pol.part.buyer_part_number, "plant": pol.plant.code,
        "supplier": sp.supplier.code, "supplier_part": sp.supplier_part_number, "share": source.share,
        "forecast": {"run": fc.run_id, "model": fc.model, "first_week": str(fc.first_week), "from_week": str(week),
                     "weekly": [round(v, 3) for v in weekly[:int(decision.protection_weeks) + 2]],
                     "sigma": fc.sigma, "mase": fc.mase,
                     "adjusted_weeks": sum(1 for w in adjustments if w >= week)},
        "lead_time_days": sp.lead_time_days, "review_weeks": params.review_weeks,
        "service_level": params.service_level,
        "stock": {"on_hand": str(stock.on_hand), "blocked": str(stock.blocked), "available": str(stock.available),
                  "day": str(stock.day) if stock.day else None},
        "on_order": str(open_qty), "open_lines": open_lines[:20],
        "price": str(sp.price), "currency": sp.currency,
        **decision.as_dict(),
    }
    return "", inputs, (decision, source, fc)


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 3)))


def replenishment_run(
    *, actor: AnyActor, today: date | None = None, policies: Iterable[ReplenishmentPolicy] | None = None,
) -> ReplenishmentReport:
    """Evaluate every active policy: propose an order line when the position (available + on
    order) is at or below the reorder point; release autonomous parts' lines as purchase orders
    at once, one order per supplier and plant; cancel pending proposals no longer needed.

    Running it again changes nothing: a released order counts as on order, and a pending
    proposal is refreshed rather than duplicated.
    """
    who = as_actor(actor or Actor.system("replenishment"))
    today = today or timezone.localdate()
    report = ReplenishmentReport()
    to_release: list[ReplenishmentProposal] = []
    for pol in (policies if policies is not None else selectors.policies()):
        with transaction.atomic():
            proposal = _evaluate_one(pol, today=today, actor=who, report=report)
        if proposal is not None and pol.autonomous:
            to_release.append(proposal)
    for group in _groups(to_release):
        try:
            with transaction.atomic():
                order = _release(group, actor=who, today=today, decided_by=None)
        except DomainError as exc:
            for p in group:
                _note(report, p, "proposed", f"release failed, waiting for approval: {exc}")
            continue
        report.orders.append(order)
        for p in group:
            _note(report, p, "ordered", order.number)
    with transaction.atomic():
        event_record(actor=who, verb="planning.replenishment_run", payload={
            "day": str(today), "evaluated": len(report.evaluations),
            "outcomes": dict(Counter(e.outcome for e in report.evaluations)),
            "orders": [o.number for o in report.orders],
            "parts": [e.as_dict() for e in report.evaluations][:1000],
        })
    return report


def _note(report: ReplenishmentReport, proposal: ReplenishmentProposal, outcome: str, note: str) -> None:
    for e in report.evaluations:
        if e.part == proposal.part.buyer_part_number and e.plant == proposal.plant.code:
            e.outcome, e.note = outcome, note


def _evaluate_one(pol: ReplenishmentPolicy, *, today: date, actor: Actor,
                  report: ReplenishmentReport) -> ReplenishmentProposal | None:
    part, plant = pol.part.buyer_part_number, pol.plant.code
    # One evaluation of a part at a plant at a time: the policy row is the lock.
    ReplenishmentPolicy.objects.select_for_update().filter(pk=pol.pk).first()
    pending = ReplenishmentProposal.objects.select_for_update().filter(
        part=pol.part, plant=pol.plant, status=ReplenishmentProposal.Status.PENDING).first()
    skipped, inputs, result = evaluate(pol, today=today)
    if inputs is None:
        report.evaluations.append(Evaluation(part, plant, "skipped", skipped))
        return None
    decision, source, fc = result
    ev = Evaluation(part, plant, "enough", position=round(decision.position, 3),
                    reorder_point=round(decision.reorder_point, 3))
    report.evaluations.append(ev)
    if not decision.order:
        if pending is not None:
            _transition(pending, ReplenishmentProposal.Status.CANCELLED, actor=actor,
                        reason="The position is above the reorder point again.", extra={"inputs": inputs})
            ev.outcome = "cancelled"
        return None
    sp = source.supplier_part
    values = {
        "supplier_part": sp, "supplier": sp.supplier, "forecast": fc, "autonomous": pol.autonomous,
        "quantity": _dec(decision.quantity), "requested_date": today + timedelta(days=sp.lead_time_days),
        "reorder_point": _dec(decision.reorder_point), "safety_stock": _dec(decision.safety_stock),
        "position": _dec(decision.position), "inputs": inputs,
    }
    ev.quantity = decision.quantity
    if pending is not None:
        same = (pending.supplier_part_id, pending.quantity, pending.reorder_point, pending.position) == (
            sp.pk, values["quantity"], values["reorder_point"], values["position"])
        if same:
            ev.outcome = "waiting"  # nothing new since the last run: no change, no event
            report.proposals.append(pending)
            return pending
        for k, v in values.items():
            setattr(pending, k, v)
        pending.save()
        event_record(actor=actor, verb="planning.proposal_updated", obj=pending, supplier=sp.supplier, payload=inputs)
        ev.outcome = "updated"
        report.proposals.append(pending)
        return pending
    proposal = ReplenishmentProposal.objects.create(part=pol.part, plant=pol.plant, **values)
    event_record(actor=actor, verb="planning.proposal_created", obj=proposal, supplier=sp.supplier, payload=inputs)
    ev.outcome = "proposed"
    report.proposals.append(proposal)
    return proposal


def _groups(proposals: Sequence[ReplenishmentProposal]) -> list[list[ReplenishmentProposal]]:
    groups: dict[tuple[int, int, str], list[ReplenishmentProposal]] = defaultdict(list)
    for p in proposals:
        groups[(p.supplier_id, p.plant_id, p.supplier_part.currency)].append(p)
    return [groups[k] for k in sorted(groups)]


def _transition(proposal: ReplenishmentProposal, to: str, *, actor: Actor, reason: str = "",
                extra: dict[str, Any] | None = None) -> None:
    current = proposal.status
    if to not in proposal.TRANSITIONS[ReplenishmentProposal.Status(current)]:
        raise InvalidTransition(proposal, current, to)
    proposal.status = to
    proposal.reason = reason[:300] or proposal.reason
    proposal.decided_by = actor.user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_by", "decided_at", "order", "updated_at"])
    event_record(actor=actor, verb=f"planning.proposal_{to}", obj=proposal, supplier=proposal.supplier, payload={
        "from": current, "to": to, "reason": reason, "order": proposal.order.number if proposal.order_id else None,
        **(extra or {})})


def _release(group: list[ReplenishmentProposal], *, actor: Actor, today: date, decided_by) -> PurchaseOrder:
    """One purchase order for proposals of one supplier, plant and currency, issued at once (it
    leaves by EDI or appears in the portal like any order)."""
    # Two runs (beat and the console's button) may hold the same proposal: the second waits here
    # and then finds it ordered, so it never makes a second order.
    current = dict(ReplenishmentProposal.objects.select_for_update().filter(pk__in=[p.pk for p in group])
                   .values_list("pk", "status"))
    for p in group:
        if current.get(p.pk) != ReplenishmentProposal.Status.PENDING:
            raise InvalidTransition(p, current.get(p.pk, "?"), ReplenishmentProposal.Status.ORDERED)
    first = group[0]
    order = core.purchase_order_create(
        number=f"RP{today:%y%m%d}-{first.pk:06d}", supplier=first.supplier, ship_to=first.plant, order_date=today,
        currency=first.supplier_part.currency, source=PurchaseOrder.Source.REPLENISHMENT, actor=actor,
        issue=True, buyer=decided_by,
        note="Replenishment: " + ", ".join(f"{p.part.buyer_part_number} (ROP {p.reorder_point.normalize():f})"
                                           for p in group)[:900],
        lines=[core.LineInput(line_no=10 * i, part=p.part, quantity=p.quantity, price=p.supplier_part.price,
                              requested_date=p.requested_date, supplier_part_number=p.supplier_part.supplier_part_number)
               for i, p in enumerate(group, start=1)],
    )
    for p in group:
        p.order = order
        _transition(p, ReplenishmentProposal.Status.ORDERED, actor=actor, extra={"inputs": p.inputs})
    event_record(actor=actor, verb="planning.order_released", obj=order, supplier=order.supplier, payload={
        "proposals": [p.pk for p in group], "autonomous": all(p.autonomous for p in group),
        "lines": [{"part": p.part.buyer_part_number, "quantity": str(p.quantity), "reorder_point": str(p.reorder_point),
                   "safety_stock": str(p.safety_stock), "position": str(p.position),
                   "quantity_rule": p.inputs.get("quantity_rule")} for p in group],
    })
    return order


@transaction.atomic
def proposals_approve(*, proposals: Iterable[ReplenishmentProposal], actor: AnyActor,
                      today: date | None = None) -> list[PurchaseOrder]:
    """Approve pending proposals: one purchase order per supplier, plant and currency, issued."""
    who = as_actor(actor)
    ids = [p.pk for p in proposals]
    locked = list(ReplenishmentProposal.objects.select_for_update().filter(pk__in=ids).select_related(
        "part", "plant", "supplier", "supplier_part"))
    not_pending = [p for p in locked if p.status != ReplenishmentProposal.Status.PENDING]
    if not_pending:
        raise InvalidTransition(not_pending[0], not_pending[0].status, ReplenishmentProposal.Status.ORDERED)
    today = today or timezone.localdate()
    return [_release(group, actor=who, today=today, decided_by=who.user) for group in _groups(locked)]


@transaction.atomic
def proposal_reject(*, proposal: ReplenishmentProposal, reason: str, actor: AnyActor) -> ReplenishmentProposal:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Say why the proposal is rejected."))
    proposal = ReplenishmentProposal.objects.select_for_update().select_related("supplier").get(pk=proposal.pk)
    _transition(proposal, ReplenishmentProposal.Status.REJECTED, actor=as_actor(actor), reason=reason)
    return proposal


# --- simulation ---------------------------------------------------------------------------------------

def simulation_series(*, today: date | None = None, replay_weeks: int = 52) -> list:
    """Every part and plant with enough consumption to replay ``replay_weeks`` after a year of
    history, with its policy's parameters (defaults where it has none) and its main source's lead
    time, price and pack sizes."""
    from suppliers.planning.simulation import Series

    first_week = selectors.monday_of(today or timezone.localdate())
    history = selectors.weekly_history(until=first_week, since=first_week - timedelta(weeks=HISTORY_WEEKS))
    policies = {(p.part_id, p.plant_id): p for p in selectors.policies(active_only=False)}
    parts = Part.objects.in_bulk({h.part_id for h in history})
    plants = Plant.objects.in_bulk({h.plant_id for h in history})
    out = []
    for h in sorted(history, key=lambda h: (parts[h.part_id].buyer_part_number, plants[h.plant_id].code)):
        if len(h.values) < replay_weeks + 26:
            continue
        sources = selectors.sources_of(h.part_id)
        if not sources:
            continue
        pol = policies.get((h.part_id, h.plant_id)) or ReplenishmentPolicy(part=parts[h.part_id],
                                                                           plant=plants[h.plant_id])
        out.append(Series(key=f"{parts[h.part_id].buyer_part_number}@{plants[h.plant_id].code}", demand=h.values,
                          params=parameters_for(pol, sources[0]), replay_weeks=replay_weeks))
    return out


# --- vendor-managed levels ----------------------------------------------------------------------------

MAX_LEVELS = 1000


@transaction.atomic
def vendor_managed_levels_post(*, entries: Iterable[dict[str, Any]], actor: AnyActor) -> dict[str, int]:
    """Set (or, with ``remove``, delete) min/max levels by supplier code, part number and plant code,
    all or nothing. Each level changed is audited under its supplier."""
    from suppliers.models import SupplierPart

    entries = list(entries)
    if len(entries) > MAX_LEVELS:
        raise DomainError(f"At most {MAX_LEVELS} entries per request.")
    keys = {(str(e["supplier"]), str(e["part"])) for e in entries}
    supplier_parts = {
        (sp.supplier.code, sp.part.buyer_part_number): sp
        for sp in SupplierPart.objects.select_related("supplier", "part").filter(
            supplier__code__in={k[0] for k in keys}, part__buyer_part_number__in={k[1] for k in keys})
    }
    plants = {p.code: p for p in Plant.objects.filter(code__in={str(e["plant"]) for e in entries})}
    counts = Counter()
    seen = set()
    for e in entries:
        key = (str(e["supplier"]), str(e["part"]))
        sp = supplier_parts.get(key)
        if sp is None:
            raise DomainError(f"Supplier {key[0]!r} does not supply part {key[1]!r}.")
        plant = plants.get(str(e["plant"]))
        if plant is None:
            raise DomainError(f"Unknown plant {e['plant']!r}.")
        if (sp.pk, plant.pk) in seen:
            raise DomainError(f"Part {key[1]!r} of {key[0]!r} at {plant.code!r} is listed twice.")
        seen.add((sp.pk, plant.pk))
        level = VendorManagedLevel.objects.select_for_update().filter(supplier_part=sp, plant=plant).first()
        if e.get("remove"):
            if level is not None:
                event_record(actor=actor, verb="vendormanagedlevel.deleted", obj=level, payload={"via": "api"})
                level.delete()
                counts["removed"] += 1
            continue
        low, high = Decimal(str(e["min_quantity"])), Decimal(str(e["max_quantity"]))
        if low < 0:
            raise DomainError(f"{key[1]} at {plant.code}: the minimum cannot be negative.")
        if low > high:
            raise DomainError(f"{key[1]} at {plant.code}: the minimum cannot be more than the maximum.")
        note = str(e.get("note") or "")[:200]
        if level is None:
            level = VendorManagedLevel.objects.create(supplier_part=sp, plant=plant, min_quantity=low,
                                                      max_quantity=high, note=note)
            verb = "created"
        elif (level.min_quantity, level.max_quantity, level.note) != (low, high, note):
            level.min_quantity, level.max_quantity, level.note = low, high, note
            level.save()
            verb = "changed"
        else:
            counts["unchanged"] += 1
            continue
        counts[verb] += 1
        event_record(actor=actor, verb=f"vendormanagedlevel.{verb}", obj=level,
                     payload={"min": str(low), "max": str(high), "via": "api"})
    return {k: counts[k] for k in ("created", "changed", "unchanged", "removed")}
