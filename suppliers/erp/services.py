"""Writes of the ERP integration: API keys, the change feed, master data and receipts from the ERP.

The change feed
---------------
Producers call :func:`erp_feed_append` inside their own transaction (ASNs, order responses and
invoices from ``suppliers.services``; quality notices from the ``quality`` app)::

    from suppliers.erp.services import erp_feed_append
    erp_feed_append(kind="quality_notice", supplier=notice.supplier, document=doc, actor=actor)

The entry commits or rolls back with the change. It gets its feed position later, from
:func:`feed_assign_sequence`, which numbers committed entries under a single-writer lock; so a
position is only ever given to a row that is already visible, and every later position goes to
a row that became visible later. A cursor therefore never skips a row, however late its
transaction committed. The same document is handed to file-based ERPs (``erp_publish``) after
commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from suppliers import services as domain
from suppliers.audit import Actor, as_actor, event_record
from suppliers.erp.auth import KEY_PREFIX, key_hash
from suppliers.erp.models import ApiKey, FeedAcknowledgement, FeedCursor, FeedEntry, FeedKind
from suppliers.errors import DomainError, PermissionDenied
from suppliers.models import (
    DespatchAdvice,
    GoodsReceipt,
    Part,
    Plant,
    PurchaseOrder,
    Supplier,
    SupplierMembership,
    SupplierPart,
)

AnyActor = Actor | AbstractBaseUser | None

def _feed_lock_id() -> int:
    """The advisory lock of the feed. Advisory locks are per cluster, not per database: the id
    includes the database name so two databases on one server (tests in parallel, staging next
    to production) never wait for each other."""
    import hashlib

    name = f"tsunagi-erp-feed:{connection.settings_dict.get('NAME')}"
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF

FEED_ASSIGN_BATCH = 5000


class StaleAcknowledgement(DomainError):
    """An acknowledgement behind the one on file, or beyond what was delivered."""


# --- API keys ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # shown once; only its hash is stored


def _new_key() -> tuple[str, str]:
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix, f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_key_create(*, name: str, scope: str, actor: AnyActor) -> IssuedKey:
    """A key for an ERP system (buyer side). Names of active ERP keys are unique."""
    name = name.strip()
    if not name:
        raise DomainError(gettext("An API key needs a name."))
    if scope not in ApiKey.Scope.values:
        raise DomainError(f"Scope must be one of {', '.join(ApiKey.Scope.values)}.")
    if ApiKey.objects.filter(name=name, supplier=None, revoked_at=None).exists():
        raise DomainError(gettext("An active API key named %(name)r exists; revoke it first.") % {"name": name})
    who = as_actor(actor)
    prefix, key = _new_key()
    api_key = ApiKey.objects.create(name=name[:80], prefix=prefix, key_hash=key_hash(key), scope=scope,
                                    created_by=who.user)
    event_record(actor=who, verb="apikey.created", obj=api_key, payload={"name": name, "scope": scope})
    return IssuedKey(api_key, key)


@transaction.atomic
def supplier_api_key_create(*, user: AbstractBaseUser, actor: AnyActor, scope: str = ApiKey.Scope.READ) -> IssuedKey:
    """A supplier user's own key: sees only that user's supplier. One active key per user."""
    membership = SupplierMembership.objects.select_related("supplier").filter(user=user, is_active=True).first()
    if membership is None:
        raise PermissionDenied(gettext("Only active supplier users can have a supplier API key."))
    if scope not in ApiKey.Scope.values:
        raise DomainError(f"Scope must be one of {', '.join(ApiKey.Scope.values)}.")
    for old in ApiKey.objects.filter(user=user, revoked_at=None):
        api_key_revoke(api_key=old, actor=actor)
    prefix, key = _new_key()
    api_key = ApiKey.objects.create(
        name=f"{membership.supplier.code}:{user.email}"[:80], prefix=prefix, key_hash=key_hash(key), scope=scope,
        supplier=membership.supplier, user=user, created_by=as_actor(actor).user,
    )
    event_record(actor=actor, verb="apikey.created", obj=api_key, supplier=membership.supplier,
                 payload={"user": user.email, "scope": scope})
    return IssuedKey(api_key, key)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: AnyActor) -> ApiKey:
    who = as_actor(actor)
    if who.user is not None and api_key.user_id and who.user.pk != api_key.user_id and not who.user.is_staff:
        raise PermissionDenied(gettext("You may revoke only your own API key."))
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        event_record(actor=who, verb="apikey.revoked", obj=api_key, supplier=api_key.supplier,
                     payload={"name": api_key.name})
    return api_key


# --- the change feed ----------------------------------------------------------------------------

def erp_feed_append(
    *, kind: str, supplier: Supplier, document: dict[str, Any], actor: AnyActor, source: str = "",
    publish: bool = True,
) -> FeedEntry:
    """Append a canonical document to the ERP change feed, in the caller's transaction.

    ``kind``: ``despatch_advice`` | ``order_response`` | ``invoice`` | ``quality_notice``.
    ``publish``: also hand the document to file-based ERPs (``erp_outbox``) once the transaction
    commits; pass False when the EDI pipeline hands the partner's own document over already.
    """
    if kind not in FeedKind.values:
        raise DomainError(f"Unknown feed kind {kind!r}.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("erp_feed_append() must be called inside the producing transaction")
    who = as_actor(actor)
    entry = FeedEntry.objects.create(
        kind=kind, supplier=supplier, document=document, document_id=str(document.get("id", ""))[:70],
        source=source[:20], actor_label=who.label[:150],
    )
    event_record(actor=who, verb="erp.feed.appended", obj=entry, supplier=supplier,
                 payload={"kind": kind, "document": entry.document_id})
    if publish:
        entry_pk, code = entry.pk, supplier.code

        def hand_off() -> None:
            from edi.services.erp import erp_publish

            erp_publish(document=document, supplier_code=code, source=source or "api", key=f"feed-{entry_pk}")

        transaction.on_commit(hand_off)
    return entry


def feed_assign_sequence(*, wait: bool = False) -> int:
    """Give feed positions to committed entries that have none, in id order. Returns how many.

    Runs in its own transaction under a single-writer lock (PostgreSQL advisory lock; SQLite
    serialises writers anyway). Without ``wait``, a caller that finds another assignment running
    returns at once: entries that one does not see get higher positions from the next run.
    """
    table = FeedEntry._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                if wait:
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [_feed_lock_id()])
                else:
                    cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_feed_lock_id()])
                    if not cur.fetchone()[0]:
                        return 0
            # A fresh statement after the lock: sees every assignment committed before it.
            cur.execute(f"SELECT COALESCE(MAX(seq), 0) FROM {table}")
            top = cur.fetchone()[0]
            cur.execute(
                f"UPDATE {table} SET seq = s.n FROM ("
                f"  SELECT id, %s + ROW_NUMBER() OVER (ORDER BY id) AS n FROM {table}"
                f"  WHERE seq IS NULL ORDER BY id LIMIT %s"
                f") AS s WHERE {table}.id = s.id",
                [top, FEED_ASSIGN_BATCH],
            )
            return cur.rowcount


@dataclass
class FeedPage:
    entries: list[FeedEntry]
    after: int
    next_cursor: int
    has_more: bool


def feed_read(*, after: int, kind: str = "", limit: int = 100) -> FeedPage:
    """Entries after a position, in position order.

    The high-water mark is read first and the page is capped by it: positions are only given to
    committed rows and in order, so everything up to the mark is visible to the second query.
    When the page is not full, the next cursor jumps to the mark (skipping only other kinds).
    """
    for _ in range(20):  # a backlog is numbered in batches; stop once one is not full
        if feed_assign_sequence() < FEED_ASSIGN_BATCH:
            break
    high = FeedEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    qs = FeedEntry.objects.filter(seq__gt=after, seq__lte=high).select_related("supplier").order_by("seq")
    if kind:
        qs = qs.filter(kind=kind)
    entries = list(qs[: limit + 1])
    has_more = len(entries) > limit
    entries = entries[:limit]
    if has_more:
        next_cursor = entries[-1].seq
    else:
        next_cursor = max(after, high)
    return FeedPage(entries, after, next_cursor, has_more)


def feed_cursor_position(*, key: ApiKey, feed: str) -> int:
    cursor = FeedCursor.objects.filter(key=key, feed=feed).first()
    return cursor.position if cursor else 0


@transaction.atomic
def feed_acknowledge(*, key: ApiKey, feed: str, position: int, actor: AnyActor) -> FeedCursor:
    """Record that ``key`` has stored everything of ``feed`` up to ``position``.

    Idempotent for the same position; refuses going back (409) and going past what exists.
    """
    if feed not in FeedCursor.FEEDS:
        raise DomainError(f"Unknown feed {feed!r}.")
    if position < 0:
        raise DomainError("A feed position is 0 or more.")
    cursor, _created = FeedCursor.objects.select_for_update().get_or_create(key=key, feed=feed)
    if position == cursor.position:
        return cursor
    if position < cursor.position:
        raise StaleAcknowledgement(
            f"Position {position} is behind the acknowledged position {cursor.position} of feed {feed}.")
    high = FeedEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    if position > high:
        raise StaleAcknowledgement(f"Position {position} is beyond the end of the feed ({high}).")
    entries = FeedEntry.objects.filter(seq__gt=cursor.position, seq__lte=position)
    if feed != "all":
        entries = entries.filter(kind=feed)
    count = entries.count()
    FeedAcknowledgement.objects.create(key=key, feed=feed, position=position, previous=cursor.position,
                                       entries=count)
    previous = cursor.position
    cursor.position, cursor.acknowledged_at = position, timezone.now()
    cursor.save(update_fields=["position", "acknowledged_at"])
    event_record(actor=actor, verb="erp.feed.acknowledged", obj=key,
                 payload={"feed": feed, "from": previous, "to": position, "entries": count})
    return cursor


# --- purchase orders from the ERP ------------------------------------------------------------------

def canonical_errors(problems_found: list[str]) -> dict[str, list[str]]:
    """``"lines[0].quantity: must be ..."`` → ``{"lines[0].quantity": ["must be ..."]}``."""
    out: dict[str, list[str]] = {}
    for text in problems_found:
        name, sep, message = text.partition(": ")
        out.setdefault(name if sep else "document", []).append(message if sep else text)
    return out


def purchase_order_document_prepare(data: dict[str, Any], *, sender: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A canonical ``purchase_order`` from the API or a CSV, with the envelope fields it may leave
    out filled in, and everything that would make ``purchase_order_upsert`` fail on the database
    found first. Returns the document and the field errors (empty when it can be applied)."""
    from edi.codecs.canonical import validate_document

    doc = dict(data)
    if doc.setdefault("type", "purchase_order") != "purchase_order":
        return doc, {"type": ["must be purchase_order"]}
    doc.setdefault("sender", (sender or "ERP")[:35])
    doc.setdefault("receiver", "TSUNAGI")
    doc.setdefault("control_number", "api")
    doc.setdefault("purpose", "original")
    found = validate_document(doc)
    if found:
        return doc, canonical_errors(found)
    cancel = doc["purpose"] == "cancel"
    if not cancel and not doc["lines"]:
        return doc, {"lines": ["a purchase order needs at least one line"]}
    errors: dict[str, list[str]] = {}
    dates = [("issued", doc.get("issued")), ("delivery_date", doc.get("delivery_date"))]
    for i, line in enumerate([] if cancel else doc["lines"]):
        where = f"lines[{i}]"
        dates.append((f"{where}.delivery_date", line.get("delivery_date")))
        for name in ("buyer_part", "quantity"):
            if name not in line:
                errors.setdefault(f"{where}.{name}", []).append("missing")
        if not line["line"].isdigit() or int(line["line"]) < 1:
            errors.setdefault(f"{where}.line", []).append("must be a positive whole number")
        if "delivery_date" not in line and "delivery_date" not in doc:
            errors.setdefault(f"{where}.delivery_date", []).append("missing (no header delivery_date either)")
        quantity = Decimal(line.get("quantity", "1"))
        if quantity <= 0 or quantity >= 10**11:
            errors.setdefault(f"{where}.quantity", []).append("must be more than 0 and less than 10^11")
        price = Decimal(line.get("price", "0"))
        if price < 0 or price >= 10**9:
            errors.setdefault(f"{where}.price", []).append("must be 0 or more and less than 10^9")
    for name, value in dates:
        if value is None:
            continue
        try:
            date.fromisoformat(value)
        except ValueError:
            errors.setdefault(name, []).append("not a calendar date")
    return doc, errors


# --- master data ---------------------------------------------------------------------------------

@dataclass
class Upserted:
    obj: Any
    created: bool
    changed: bool


@transaction.atomic
def supplier_upsert(*, code: str, data: dict[str, Any], actor: AnyActor) -> Upserted:
    """Create or update a supplier by code (master-data sync). Unsent fields stay as they are."""
    code = code.strip().upper()
    supplier = Supplier.objects.select_for_update().filter(code=code).first()
    if supplier is None:
        if not data.get("name"):
            raise DomainError("A new supplier needs a name.")
        supplier = domain.supplier_create(
            code=code, name=data["name"], actor=actor, edi_enabled=data.get("edi_enabled", False),
            status=data.get("status", Supplier.Status.ACTIVE), contact_email=data.get("contact_email", ""),
        )
        return Upserted(supplier, True, True)
    changed = {}
    for field in ("name", "status", "contact_email", "edi_enabled"):
        if field in data and getattr(supplier, field) != data[field]:
            changed[field] = str(data[field])
            setattr(supplier, field, data[field])
    if changed:
        supplier.full_clean()
        supplier.save()
        event_record(actor=actor, verb="supplier.changed", obj=supplier, payload={"fields": changed, "via": "api"})
    return Upserted(supplier, False, bool(changed))


@transaction.atomic
def part_upsert(*, number: str, data: dict[str, Any], actor: AnyActor) -> Upserted:
    """Create or update a part by the buyer's part number, with its suppliers' numbers and prices.

    ``suppliers`` (when sent) lists every supplier of the part: the ones not listed are removed.
    """
    number = number.strip()
    part = Part.objects.select_for_update().filter(buyer_part_number=number).first()
    created = part is None
    changed: dict[str, str] = {}
    if part is None:
        if not data.get("description"):
            raise DomainError("A new part needs a description.")
        part = Part(buyer_part_number=number, commodity_class=Part.CommodityClass.OTHER)
    for field in ("description", "unit", "commodity_class", "is_active"):
        if field in data and getattr(part, field) != data[field]:
            changed[field] = str(data[field])
            setattr(part, field, data[field])
    if created or changed:
        part.full_clean()
        part.save()
    if "suppliers" in data:
        wanted = {}
        for row in data["suppliers"]:
            supplier = Supplier.objects.filter(code=row["supplier"]).first()
            if supplier is None:
                raise DomainError(f"Unknown supplier {row['supplier']!r}.")
            wanted[supplier.pk] = (supplier, row)
        for sp in SupplierPart.objects.filter(part=part).exclude(supplier_id__in=wanted):
            changed[f"supplier {sp.supplier_id}"] = "removed"
            sp.delete()
        for supplier, row in wanted.values():
            values = {"supplier_part_number": row["supplier_part_number"], "price": Decimal(str(row.get("price", 0))),
                      "currency": row.get("currency", "USD"), "lead_time_days": row.get("lead_time_days", 14)}
            sp = SupplierPart.objects.filter(part=part, supplier=supplier).first()
            if sp is None:
                sp = SupplierPart(part=part, supplier=supplier, **values)
            elif all(getattr(sp, k) == v for k, v in values.items()):
                continue
            else:
                for k, v in values.items():
                    setattr(sp, k, v)
            sp.full_clean()
            sp.save()
            changed[f"supplier {supplier.code}"] = sp.supplier_part_number
    if created or changed:
        event_record(actor=actor, verb="part.created" if created else "part.changed", obj=part,
                     payload={"fields": changed, "via": "api"})
    return Upserted(part, created, created or bool(changed))


# --- goods receipts from the ERP -----------------------------------------------------------------

@transaction.atomic
def goods_receipt_post(*, data: dict[str, Any], actor: AnyActor) -> Upserted:
    """Record a goods receipt the ERP booked; the same receipt number twice is one receipt.

    ``data``: number, supplier (code), plant (code), received_on, asn (optional ASN number) and
    lines of {line, order, order_line, asn_line?, lot?, received_quantity, rejected_quantity?}.
    """
    number = str(data["number"]).strip()
    supplier = Supplier.objects.filter(code=data["supplier"]).first()
    if supplier is None:
        raise DomainError(f"Unknown supplier {data['supplier']!r}.")
    existing = GoodsReceipt.objects.filter(number=number).first()
    if existing is not None:
        if existing.supplier_id != supplier.pk:
            raise DomainError(f"Goods receipt {number} belongs to another supplier.")
        return Upserted(existing, False, False)
    plant = Plant.objects.filter(code=data["plant"]).first()
    if plant is None:
        raise DomainError(f"Unknown plant {data['plant']!r}.")
    advice = None
    if data.get("asn"):
        advice = DespatchAdvice.objects.filter(supplier=supplier, number=data["asn"]).first()
        if advice is None:
            raise DomainError(f"Unknown ASN {data['asn']!r} of {supplier.code}.")
    inputs = []
    orders: dict[str, PurchaseOrder] = {}
    for n, line in enumerate(data["lines"], start=1):
        po = line["order"]
        order = orders.get(po) or PurchaseOrder.objects.filter(supplier=supplier, number=po).first()
        if order is None:
            raise DomainError(f"Line {n}: unknown purchase order {po!r} of {supplier.code}.")
        orders[po] = order
        order_line = order.lines.filter(line_no=line["order_line"]).first()
        if order_line is None:
            raise DomainError(f"Line {n}: order {po} has no line {line['order_line']}.")
        advice_line = None
        if line.get("asn_line") is not None:
            if advice is None:
                raise DomainError(f"Line {n}: an ASN line needs the receipt's ASN.")
            advice_line = advice.lines.filter(line_no=line["asn_line"]).first()
            if advice_line is None:
                raise DomainError(f"Line {n}: ASN {advice.number} has no line {line['asn_line']}.")
        elif advice is not None:
            advice_line = advice.lines.filter(order_line=order_line).order_by("line_no").first()
        received = Decimal(str(line["received_quantity"]))
        rejected = Decimal(str(line.get("rejected_quantity") or 0))
        if not (0 <= received < 10**11 and 0 <= rejected < 10**11):
            raise DomainError(f"Line {n}: quantities must be 0 or more and less than 10^11.")
        if rejected > received:
            raise DomainError(f"Line {n}: rejected quantity exceeds the received quantity.")
        inputs.append(domain.ReceiptLineInput(
            line_no=int(line.get("line") or n), order_line=order_line, received_quantity=received,
            rejected_quantity=rejected, lot=str(line.get("lot") or ""), advice_line=advice_line,
        ))
    if not inputs:
        raise DomainError("A goods receipt needs at least one line.")
    received_on = data["received_on"]
    if isinstance(received_on, str):
        received_on = date.fromisoformat(received_on)
    receipt = domain.goods_receipt_create(
        number=number, supplier=supplier, plant=plant, received_on=received_on, lines=inputs, actor=actor,
        advice=advice,
    )
    return Upserted(receipt, True, True)


# --- producers: called by suppliers.services in the producing transaction --------------------------

def feed_despatch_advice(*, advice: DespatchAdvice, actor: AnyActor) -> FeedEntry:
    """A submitted ASN, from the portal, EDI or the API.

    Files: the EDI hub hands a partner's DESADV/856 over itself and the portal publishes its web
    ASNs after commit, so only API ASNs are published from here (demo data writes no files).
    """
    from suppliers.documents import (
        despatch_advice_document,  # the portal's builder: one shape everywhere
    )

    document = despatch_advice_document(advice=advice)
    return erp_feed_append(kind=FeedKind.DESPATCH_ADVICE, supplier=advice.supplier, document=document,
                           actor=actor, source=advice.source,
                           publish=advice.source == DespatchAdvice.Source.API)


def feed_invoice(*, invoice: Any, actor: AnyActor) -> FeedEntry:
    from suppliers.erp.documents import invoice_document

    return erp_feed_append(kind=FeedKind.INVOICE, supplier=invoice.supplier, document=invoice_document(invoice),
                           actor=actor, source=invoice.source, publish=invoice.source != "edi")
