"""Writes of the operations app: legal holds and the retention purge.

The purge deletes raw interchanges (the archived bytes, their error-folder copies and the
records with their messages) and attachments older than the retention period. It never deletes
what an active legal hold covers (the interchange, its partner or the partner's supplier), what
an open quality notice refers to (lot, ASN or receipt, see :mod:`ops.quality_hook`), what is
still moving through the pipeline, or a split file whose parts must stay. It is a dry run unless
asked otherwise, and every run, dry or not, is recorded (a ``PurgeRun`` and an audit event).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.ops.models import LegalHold, PurgeRun
from portal.ops.quality_hook import QualityReferences, open_quality_references
from suppliers.audit import Actor, as_actor, event_record

log = logging.getLogger(__name__)

# Interchanges in these states are finished; anything else is still moving and is kept.
FINISHED_STATES = ("processed", "duplicate", "split", "delivered", "failed")


class HoldError(Exception):
    """A legal hold cannot be placed or released as asked."""


# --- legal holds -------------------------------------------------------------------------------

def legal_hold_place(*, reason: str, actor: Any, reference: str = "", supplier: Any = None, partner: Any = None,
                     interchange: Any = None) -> LegalHold:
    """Hold one supplier's, one partner's or one interchange's records past their retention."""
    targets = [t for t in (supplier, partner, interchange) if t is not None]
    if len(targets) != 1:
        raise HoldError("a legal hold covers exactly one supplier, partner or interchange")
    if not reason.strip():
        raise HoldError("a legal hold needs a reason")
    who = as_actor(actor)
    with transaction.atomic():
        target = (f"{_('supplier')} {supplier.code}" if supplier is not None else
                  f"{_('partner')} {partner.code}" if partner is not None else f"{_('interchange')} #{interchange.pk}")
        hold = LegalHold.objects.create(reason=reason.strip(), reference=reference.strip(), supplier=supplier,
                                        partner=partner, interchange=interchange, placed_by=who.user,
                                        target=str(target)[:200])
        event_record(actor=who, verb="legal_hold.placed", obj=hold, supplier=_supplier_of_hold(hold),
                     payload={"reason": hold.reason, "reference": hold.reference, "target": str(targets[0])})
    return hold


def legal_hold_release(*, hold: LegalHold, actor: Any) -> LegalHold:
    who = as_actor(actor)
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise HoldError("this legal hold was released already")
        hold.released_at = timezone.now()
        hold.released_by = who.user
        hold.save(update_fields=["released_at", "released_by"])
        event_record(actor=who, verb="legal_hold.released", obj=hold, supplier=_supplier_of_hold(hold),
                     payload={"reference": hold.reference})
    return hold


def _supplier_of_hold(hold: LegalHold) -> Any:
    if hold.supplier_id:
        return hold.supplier
    if hold.partner_id:
        return hold.partner.supplier
    interchange = hold.interchange
    return interchange.partner.supplier if interchange and interchange.partner_id else None


# --- the purge ---------------------------------------------------------------------------------

@dataclass
class PurgePlan:
    cutoff: datetime
    retention_days: int
    delete: list[int] = field(default_factory=list)
    kept: dict[str, int] = field(default_factory=dict)
    attachments: dict[str, list[int]] = field(default_factory=dict)
    quality: QualityReferences | None = None

    def keep(self, reason: str, n: int) -> None:
        if n:
            self.kept[reason] = self.kept.get(reason, 0) + n


def retention_days() -> int:
    return int(settings.RETENTION_DAYS)


def purge_plan(*, now: datetime | None = None, days: int | None = None) -> PurgePlan:
    """What a purge would delete now, and what it keeps and why. Reads only."""
    from edi.models import Interchange, InterchangeMessage

    days = retention_days() if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    plan = PurgePlan(cutoff=cutoff, retention_days=days)
    old = Interchange.objects.filter(created_at__lt=cutoff)
    plan.keep("still in progress", old.exclude(state__in=FINISHED_STATES).count())
    candidates = dict(old.filter(state__in=FINISHED_STATES).values_list("pk", "parent_id"))
    if not candidates:
        plan.attachments = _attachment_plan(plan, cutoff)
        return plan

    holds = LegalHold.objects.filter(released_at__isnull=True)
    held_interchanges = set(holds.exclude(interchange=None).values_list("interchange_id", flat=True))
    held_partners = set(holds.exclude(partner=None).values_list("partner_id", flat=True))
    held_suppliers = set(holds.exclude(supplier=None).values_list("supplier_id", flat=True))
    keep: dict[int, str] = {}
    if held_interchanges or held_partners or held_suppliers:
        for pk, partner_id, supplier_id in old.filter(pk__in=list(candidates)).values_list(
                "pk", "partner_id", "partner__supplier_id"):
            if pk in held_interchanges or partner_id in held_partners or supplier_id in held_suppliers:
                keep[pk] = "legal hold"

    plan.quality = refs = open_quality_references()
    if not refs.known:
        for pk in candidates:
            keep.setdefault(pk, "quality notices cannot be read")
    elif not refs.empty:
        documents = set(refs.asn_numbers) | set(refs.receipt_numbers) | _documents_with_lots(refs.lots)
        if documents:
            for pk in InterchangeMessage.objects.filter(interchange_id__in=list(candidates),
                                                        document_id__in=documents).values_list("interchange_id", flat=True):
                keep.setdefault(pk, "open quality notice")

    # Families stay together: the parts of a kept split file, the file a kept part came from, and
    # the acknowledgements of a kept interchange.
    changed = True
    while changed:
        changed = False
        for pk, parent in candidates.items():
            if pk in keep:
                continue
            if parent in keep:
                keep[pk] = keep[parent]
                changed = True
        for pk, parent in candidates.items():
            if pk in keep and parent in candidates and parent not in keep:
                keep[parent] = keep[pk]
                changed = True
    if keep:
        for pk in Interchange.objects.filter(pk__in=list(candidates), acknowledges_id__in=list(keep)).values_list("pk", flat=True):
            keep.setdefault(pk, "acknowledges a kept interchange")
        # a parent outside the candidates (not old enough, or in progress) would take its parts with it
    outside_parents = {p for p in candidates.values() if p and p not in candidates}
    for pk, parent in candidates.items():
        if parent in outside_parents:
            keep.setdefault(pk, "its file is kept")
    for reason in set(keep.values()):
        plan.keep(reason, sum(1 for r in keep.values() if r == reason))
    plan.delete = sorted(pk for pk in candidates if pk not in keep)
    plan.attachments = _attachment_plan(plan, cutoff)
    return plan


def _documents_with_lots(lots: frozenset[str]) -> set[str]:
    if not lots:
        return set()
    from suppliers.models import DespatchAdvice, GoodsReceipt

    numbers = set(DespatchAdvice.objects.filter(lines__lots__lot__in=lots).values_list("number", flat=True))
    numbers |= set(GoodsReceipt.objects.filter(lines__lot__in=lots).values_list("number", flat=True))
    return numbers


def _attachment_plan(plan: PurgePlan, cutoff: datetime) -> dict[str, list[int]]:
    """Attachments (``RETENTION_ATTACHMENT_MODELS``: model label → date field) past the cutoff."""
    out: dict[str, list[int]] = {}
    held_suppliers = set(LegalHold.objects.filter(released_at__isnull=True).exclude(supplier=None)
                         .values_list("supplier_id", flat=True))
    for label, date_field in settings.RETENTION_ATTACHMENT_MODELS.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue  # the app is not installed (yet)
        rows = model.objects.filter(**{f"{date_field}__lt": cutoff})
        names = {f.name for f in model._meta.get_fields()}
        if "supplier" in names and held_suppliers:
            plan.keep("legal hold", rows.filter(supplier_id__in=held_suppliers).count())
            rows = rows.exclude(supplier_id__in=held_suppliers)
        if plan.quality is None:
            plan.quality = open_quality_references()
        if label.startswith("quality.") and not plan.quality.known:
            plan.keep("quality notices cannot be read", rows.count())
            continue
        if "notice" in names:
            if held_suppliers:
                plan.keep("legal hold", rows.filter(notice__supplier_id__in=held_suppliers).count())
                rows = rows.exclude(notice__supplier_id__in=held_suppliers)
            open_rows = rows.exclude(notice__status__in=["closed", "cancelled", "canceled", "rejected", "void"])
            plan.keep("open quality notice", open_rows.count())
            rows = rows.exclude(pk__in=open_rows.values("pk"))
        out[label] = list(rows.values_list("pk", flat=True))
    return out


def retention_purge(*, actor: Any, dry_run: bool = True, now: datetime | None = None, days: int | None = None,
                    batch: int = 500) -> PurgeRun:
    """Apply (or, by default, only report) the retention period. Recorded either way."""
    who = as_actor(actor) if actor is not None else Actor.system("purge")
    plan = purge_plan(now=now, days=days)
    with transaction.atomic():
        run = PurgeRun.objects.create(actor_label=who.label[:150], dry_run=dry_run, cutoff=plan.cutoff,
                                      retention_days=plan.retention_days, kept=plan.kept,
                                      counts={"interchanges": len(plan.delete),
                                              **{label: len(ids) for label, ids in plan.attachments.items()}})
        event_record(actor=who, verb="retention.dry_run" if dry_run else "retention.purge_started", obj=run,
                     payload={"cutoff": plan.cutoff.isoformat(), "counts": run.counts, "kept": plan.kept})
    if dry_run:
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        return run
    deleted: list[dict[str, Any]] = []
    for start in range(0, len(plan.delete), batch):
        deleted.extend(_purge_interchanges(plan.delete[start:start + batch], actor=who, run=run))
    files = 0
    for label, ids in plan.attachments.items():
        for start in range(0, len(ids), batch):
            files += _purge_attachments(label, ids[start:start + batch], actor=who, run=run)
    with transaction.atomic():
        run.deleted = deleted
        run.counts = {**run.counts, "interchanges": len(deleted), "attachment_files": files}
        run.finished_at = timezone.now()
        run.save(update_fields=["deleted", "counts", "finished_at"])
        event_record(actor=who, verb="retention.purged", obj=run, payload={"counts": run.counts})
    return run


def _purge_interchanges(ids: list[int], *, actor: Actor, run: PurgeRun) -> list[dict[str, Any]]:
    from edi.models import Interchange
    from edi.services.inbound import archive_path_of

    with transaction.atomic():
        # Re-check under lock: a hold placed since the plan was made wins.
        rows = list(Interchange.objects.select_for_update(of=("self",)).select_related("partner")
                    .filter(pk__in=ids, state__in=FINISHED_STATES))
        held = _held_now(rows)
        rows = [r for r in rows if r.pk not in held]
        files: list[Path] = []
        for row in rows:
            if row.archive_path:
                files.append(archive_path_of(row))
            if row.partner_id and row.direction == "in":
                files.extend(_error_copies(row))
        gone = [{"id": r.pk, "sha256": r.sha256, "size": r.size, "partner": r.partner.code if r.partner_id else "",
                 "created": r.created_at.isoformat()} for r in rows]
        # children first: a split file's parts go with it (all of them are in the plan)
        Interchange.objects.filter(pk__in=[r.pk for r in rows], parent__isnull=False).delete()
        Interchange.objects.filter(pk__in=[r.pk for r in rows]).delete()
        event_record(actor=actor, verb="retention.interchanges_deleted", obj=run,
                     payload={"ids": [g["id"] for g in gone]})
        transaction.on_commit(lambda: _unlink_all(files))
    return gone


def _held_now(rows: list[Any]) -> set[int]:
    holds = LegalHold.objects.filter(released_at__isnull=True)
    interchanges = set(holds.exclude(interchange=None).values_list("interchange_id", flat=True))
    partners = set(holds.exclude(partner=None).values_list("partner_id", flat=True))
    suppliers = set(holds.exclude(supplier=None).values_list("supplier_id", flat=True))
    return {r.pk for r in rows if r.pk in interchanges or (
        r.partner_id and (r.partner_id in partners or r.partner.supplier_id in suppliers))}


def _error_copies(row: Any) -> list[Path]:
    from edi.files import hub_paths

    folder = hub_paths().partner(row.partner.code).error
    if not folder.is_dir():
        return []
    return list(folder.glob(f"{row.pk}-*"))


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("retention purge: could not delete %s", path)


def _purge_attachments(label: str, ids: list[int], *, actor: Actor, run: PurgeRun) -> int:
    model = apps.get_model(label)
    file_fields = [f.name for f in model._meta.get_fields() if f.get_internal_type() in ("FileField", "ImageField")]
    with transaction.atomic():
        rows = list(model.objects.select_for_update().filter(pk__in=ids))
        files = [getattr(r, name) for r in rows for name in file_fields if getattr(r, name)]
        model.objects.filter(pk__in=[r.pk for r in rows]).delete()
        event_record(actor=actor, verb="retention.attachments_deleted", obj=run,
                     payload={"model": label, "ids": [r.pk for r in rows]})
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return len(files)
