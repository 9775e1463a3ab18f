"""Writes to the supplier domain. Every function is atomic, keyword-only and audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from suppliers import gs1
from suppliers.audit import Actor, as_actor, event_record
from suppliers.errors import DomainError, InvalidTransition, PermissionDenied
from suppliers.models import (
    DespatchAdvice,
    DespatchAdviceLine,
    DespatchLot,
    DespatchPackage,
    DespatchSerial,
    GoodsReceipt,
    GoodsReceiptLine,
    Invitation,
    NotificationPreference,
    OrderResponse,
    Part,
    Plant,
    PurchaseOrder,
    PurchaseOrderLine,
    ResponseReason,
    Supplier,
    SupplierMembership,
    UserPreferences,
)

User = get_user_model()
AnyActor = Actor | AbstractBaseUser | None


# --- Suppliers and their users ---------------------------------------------------------------

@transaction.atomic
def supplier_create(
    *, code: str, name: str, actor: AnyActor, edi_enabled: bool = False, require_mfa: bool = False,
    status: str = Supplier.Status.ACTIVE, contact_email: str = "",
) -> Supplier:
    supplier = Supplier(
        code=code.strip().upper(), name=name.strip(), edi_enabled=edi_enabled, require_mfa=require_mfa,
        status=status, contact_email=contact_email,
    )
    supplier.full_clean()
    supplier.save()
    event_record(actor=actor, verb="supplier.created", obj=supplier, payload={"code": supplier.code, "name": supplier.name})
    return supplier


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once: only its hash is stored

    @property
    def path(self) -> str:
        from django.urls import reverse

        return reverse("portal:invitation_accept", kwargs={"token": self.token})


def _can_manage_users(actor: Actor, supplier: Supplier) -> bool:
    user = actor.user
    if user is None:
        return True  # the system (demo data, configuration as code)
    if user.is_staff and user.has_perm("suppliers.add_invitation"):
        return True
    membership = getattr(user, "supplier_membership", None)
    return bool(
        membership and membership.is_active and membership.supplier_id == supplier.pk and membership.is_admin
    )


@transaction.atomic
def invitation_create(
    *, supplier: Supplier, email: str, actor: AnyActor, role: str = SupplierMembership.Role.MEMBER,
    send: bool = True,
) -> IssuedInvitation:
    """Invite a person to a supplier's portal: creates an inactive user and a one-time link."""
    who = as_actor(actor)
    if not _can_manage_users(who, supplier):
        raise PermissionDenied(_("Only buyers and the supplier's administrators may invite users."))
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise DomainError(_("An e-mail address is required."))
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        membership = getattr(user, "supplier_membership", None)
        if user.is_active or user.has_usable_password():
            raise DomainError(_("%(email)s already has an account.") % {"email": email})
        if membership is None or membership.supplier_id != supplier.pk:
            raise DomainError(_("%(email)s has been invited by another supplier.") % {"email": email})
        membership.role = role
        membership.save(update_fields=["role"])
        # A fresh invitation replaces any pending one.
        Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(revoked_at=timezone.now())
    else:
        user = User(username=email[:150], email=email, is_active=False)
        user.set_unusable_password()
        user.save()
        SupplierMembership.objects.create(user=user, supplier=supplier, role=role)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, supplier=supplier, role=role, user=user, token_hash=_token_hash(token),
        invited_by=who.user, expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    event_record(actor=who, verb="invitation.created", obj=invitation, supplier=supplier,
                 payload={"email": email, "role": role})
    issued = IssuedInvitation(invitation=invitation, token=token)
    if send:
        from suppliers.tasks import invitation_send

        invitation_id, path = invitation.pk, issued.path
        transaction.on_commit(lambda: invitation_send.delay(invitation_id, path))
    return issued


def invitation_get_pending(*, token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("supplier", "user").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or invitation.state != "pending":
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> AbstractBaseUser:
    """Set the invited user's password and activate the account. The link works once."""
    invitation = invitation_get_pending(token=token)
    if invitation is None:
        raise DomainError(_("This invitation link is invalid, expired or already used."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":
        raise DomainError(_("This invitation link is invalid, expired or already used."))
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    SupplierMembership.objects.filter(user=user).update(is_active=True)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    event_record(actor=Actor.of(user), verb="invitation.accepted", obj=invitation, supplier=invitation.supplier)
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: AnyActor) -> None:
    who = as_actor(actor)
    if not _can_manage_users(who, invitation.supplier):
        raise PermissionDenied(_("You may not revoke this invitation."))
    if invitation.state == "pending":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        event_record(actor=who, verb="invitation.revoked", obj=invitation, supplier=invitation.supplier)


@transaction.atomic
def membership_set_active(*, membership: SupplierMembership, active: bool, actor: AnyActor) -> None:
    """Deactivate (or reactivate) a supplier user; deactivated users cannot log in."""
    who = as_actor(actor)
    if not _can_manage_users(who, membership.supplier):
        raise PermissionDenied(_("Only buyers and the supplier's administrators may change users."))
    if who.user is not None and who.user.pk == membership.user_id and not active:
        raise DomainError(_("You cannot deactivate yourself."))
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    user = membership.user
    user.is_active = active and user.has_usable_password()
    user.save(update_fields=["is_active"])
    event_record(actor=who, verb="membership.activated" if active else "membership.deactivated",
                 obj=membership, supplier=membership.supplier, payload={"user": user.email})


# --- Purchase orders ------------------------------------------------------------------------

@dataclass
class LineInput:
    line_no: int
    part: Part
    quantity: Decimal
    price: Decimal
    requested_date: date
    unit: str = ""
    supplier_part_number: str = ""


def _stored_label(label: Any) -> str:
    """A choice label as stored and sent to the ERP: in the site language, not the language of the page."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(label)


def _as_line_input(raw: LineInput | dict[str, Any]) -> LineInput:
    return raw if isinstance(raw, LineInput) else LineInput(**raw)


@transaction.atomic
def purchase_order_create(
    *, number: str, supplier: Supplier, ship_to: Plant, order_date: date, lines: Iterable[LineInput | dict],
    actor: AnyActor, currency: str = "USD", revision: int = 0, issue: bool = True,
    source: str = PurchaseOrder.Source.CONSOLE, allow_rejection: bool = True, note: str = "",
    buyer: AbstractBaseUser | None = None,
) -> PurchaseOrder:
    order = PurchaseOrder(
        number=number, revision=revision, supplier=supplier, ship_to=ship_to, order_date=order_date,
        currency=currency, source=source, allow_rejection=allow_rejection, note=note, buyer=buyer,
    )
    order.full_clean()
    order.save()
    line_inputs = [_as_line_input(line) for line in lines]
    if not line_inputs:
        raise DomainError("A purchase order needs at least one line.")
    supplier_numbers = dict(
        supplier.supplier_parts.filter(part__in=[li.part for li in line_inputs]).values_list("part_id", "supplier_part_number")
    )
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            order=order, line_no=li.line_no, part=li.part, quantity=li.quantity, price=li.price,
            requested_date=li.requested_date, unit=li.unit or li.part.unit,
            supplier_part_number=li.supplier_part_number or supplier_numbers.get(li.part.pk, ""),
        )
        for li in line_inputs
    )
    event_record(actor=actor, verb="po.created", obj=order, payload={
        "revision": revision, "lines": len(line_inputs), "source": source,
    })
    if issue:
        purchase_order_transition(order=order, to=PurchaseOrder.Status.ISSUED, actor=actor)
    return order


@transaction.atomic
def purchase_order_transition(
    *, order: PurchaseOrder, to: str, actor: AnyActor, reason: str = ""
) -> PurchaseOrder:
    """The one guard of the order status machine (``PurchaseOrder.TRANSITIONS``)."""
    current = order.status
    if not order.can_transition_to(to):
        raise InvalidTransition(order, current, to)
    order.status = to
    fields = ["status", "updated_at"]
    if to == PurchaseOrder.Status.ISSUED:
        order.issued_at = timezone.now()
        fields.append("issued_at")
    order.save(update_fields=fields)
    event_record(actor=actor, verb=f"po.{to}", obj=order, payload={"from": current, "to": to, "reason": reason})
    if to == PurchaseOrder.Status.ISSUED and order.supplier.edi_enabled:
        _dispatch_to_partner(order)
    if to in (PurchaseOrder.Status.ISSUED, PurchaseOrder.Status.CANCELLED) and order.source != PurchaseOrder.Source.DEMO:
        _notify_order(order, to=to, previous=current)
    return order


def _notify_order(order: PurchaseOrder, *, to: str, previous: str) -> None:
    """E-mail the supplier's people about a new, revised or cancelled order (preferences apply)."""
    from django.urls import reverse

    from suppliers.notifications import PURCHASE_ORDER, notify

    if to == PurchaseOrder.Status.CANCELLED:
        what = "cancelled"
    elif order.revision or previous != PurchaseOrder.Status.DRAFT:
        what = "changed"
    else:
        what = "new"
    notify(
        kind=PURCHASE_ORDER.key, supplier=order.supplier,
        subject_template="suppliers/email/order_subject.txt", body_template="suppliers/email/order_body.txt",
        context={"order": order, "what": what, "revision": order.revision},
        url=reverse("portal:order_detail", args=[order.pk]),
    )


def _dispatch_to_partner(order: PurchaseOrder) -> None:
    """An issued order of an EDI supplier leaves as ORDERS/850 (ORDCHG/860 for a revision).

    The domain knows the EDI hub only through this one queued call; the hub finds the partner
    and is idempotent per order and revision.
    """
    from edi.tasks import dispatch_purchase_order

    pk, revision = order.pk, order.revision
    transaction.on_commit(lambda: dispatch_purchase_order.delay(pk, revision))


# --- Despatch advices (ASNs) ----------------------------------------------------------------

@dataclass
class AsnLineInput:
    line_no: int
    order_line: PurchaseOrderLine
    quantity: Decimal
    lots: list[tuple[str, Decimal]] | None = None
    serials: list[str] | None = None
    package_sscc: str = ""


@transaction.atomic
def despatch_advice_create(
    *, supplier: Supplier, number: str, ship_to: Plant, ship_date: date, lines: Iterable[AsnLineInput],
    actor: AnyActor, expected_delivery: date | None = None, carrier: str = "", tracking_number: str = "",
    packages: Iterable[dict[str, Any]] = (), source: str = DespatchAdvice.Source.WEB, submit: bool = True,
) -> DespatchAdvice:
    """Record an ASN with its packages, lines, lots and serials; every line must be this supplier's."""
    who = as_actor(actor)
    advice = DespatchAdvice(
        supplier=supplier, number=number, ship_to=ship_to, ship_date=ship_date,
        expected_delivery=expected_delivery, carrier=carrier, tracking_number=tracking_number,
        source=source, created_by=who.user,
    )
    advice.full_clean()
    advice.save()
    by_sscc: dict[str, DespatchPackage] = {}
    for pkg in packages:
        parent = by_sscc.get(pkg.get("parent") or "")
        by_sscc[pkg["sscc"]] = DespatchPackage.objects.create(
            advice=advice, sscc=pkg["sscc"], package_type=pkg.get("type", DespatchPackage.Type.CARTON), parent=parent,
        )
    line_inputs = list(lines)
    if not line_inputs:
        raise DomainError("An ASN needs at least one line.")
    for li in line_inputs:
        if li.order_line.order.supplier_id != supplier.pk:
            raise PermissionDenied(f"Order line {li.order_line} does not belong to {supplier.code}.")
        line = DespatchAdviceLine.objects.create(
            advice=advice, line_no=li.line_no, order_line=li.order_line, part_id=li.order_line.part_id,
            quantity=li.quantity, unit=li.order_line.unit, package=by_sscc.get(li.package_sscc),
        )
        if li.lots:
            DespatchLot.objects.bulk_create(DespatchLot(line=line, lot=lot, quantity=qty) for lot, qty in li.lots)
        if li.serials:
            DespatchSerial.objects.bulk_create(DespatchSerial(line=line, serial=s) for s in li.serials)
    event_record(actor=who, verb="asn.created", obj=advice, payload={"lines": len(line_inputs), "source": source})
    if submit:
        despatch_advice_transition(advice=advice, to=DespatchAdvice.Status.SUBMITTED, actor=who)
    return advice


@transaction.atomic
def despatch_advice_transition(*, advice: DespatchAdvice, to: str, actor: AnyActor) -> DespatchAdvice:
    current = advice.status
    if to not in DespatchAdvice.TRANSITIONS[DespatchAdvice.Status(current)]:
        raise InvalidTransition(advice, current, to)
    advice.status = to
    fields = ["status", "updated_at"]
    if to == DespatchAdvice.Status.SUBMITTED:
        advice.submitted_at = timezone.now()
        fields.append("submitted_at")
    advice.save(update_fields=fields)
    event_record(actor=actor, verb=f"asn.{to}", obj=advice, payload={"from": current, "to": to})
    if to == DespatchAdvice.Status.SUBMITTED:
        from suppliers.erp.services import feed_despatch_advice

        feed_despatch_advice(advice=advice, actor=actor)  # the ERP change feed, in this transaction
    return advice


# --- Web ASNs: SSCC numbers, tolerance, submission ----------------------------------------------

def sscc_allocate(*, supplier: Supplier, count: int) -> list[str]:
    """Allocate ``count`` consecutive SSCC-18 numbers from the supplier's counter.

    The supplier row is locked (SELECT ... FOR UPDATE) until the caller's transaction ends, so
    two ASNs submitted at the same moment never get the same number; a rolled-back ASN gives
    its numbers back. Serials past the reference width roll into the extension digit.
    """
    if count <= 0:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sscc_allocate() must run inside the transaction that uses the numbers")
    locked = Supplier.objects.select_for_update().only("pk", "gs1_company_prefix", "sscc_next_serial").get(pk=supplier.pk)
    prefix = locked.gs1_company_prefix
    if not prefix:
        raise DomainError(_("No GS1 company prefix is configured for this supplier: ask the buyer to set one."))
    width = 16 - len(prefix)
    first = locked.sscc_next_serial
    if first + count > 10 * 10**width:
        raise DomainError(_("The SSCC serial numbers of this GS1 company prefix are used up."))
    Supplier.objects.filter(pk=locked.pk).update(sscc_next_serial=first + count)
    numbers = []
    for n in range(first, first + count):
        extension, reference = divmod(n, 10**width)
        numbers.append(gs1.sscc(extension=extension, company_prefix=prefix, serial_reference=reference))
    return numbers


@dataclass
class WebPackage:
    ref: str  # the form's name for it ("1", "2"...), replaced by its SSCC
    type: str = DespatchPackage.Type.CARTON
    parent_ref: str = ""


@dataclass
class WebAsnLine:
    order_line: PurchaseOrderLine
    quantity: Decimal
    lots: list[tuple[str, Decimal]] | None = None
    serials: list[str] | None = None
    package_ref: str = ""


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _shipped_quantities(line_ids: list[int]) -> dict[int, Decimal]:
    from django.db.models import Sum

    rows = (
        DespatchAdviceLine.objects.filter(order_line_id__in=line_ids)
        .exclude(advice__status=DespatchAdvice.Status.CANCELLED)
        .values("order_line_id").annotate(total=Sum("quantity"))
    )
    return {row["order_line_id"]: row["total"] or Decimal(0) for row in rows}


@transaction.atomic
def despatch_advice_submit_web(
    *, supplier: Supplier, number: str, ship_date: date, lines: list[WebAsnLine], actor: AnyActor,
    packages: list[WebPackage] = (), expected_delivery: date | None = None, carrier: str = "",
    tracking_number: str = "",
) -> DespatchAdvice:
    """A supplier's ASN from the portal: checks, SSCCs, then ``despatch_advice_create`` (source web).

    Refuses lines of other suppliers, of orders that are not confirmed, rejected or cancelled
    lines, lines of two ship-to plants, shipping more than the confirmed quantity plus the
    tolerance (counting earlier ASNs; the order lines are locked so two ASNs cannot both take
    the last pieces), lots that do not add up to the line quantity, and serials given twice.
    Hands the canonical ``despatch_advice`` to the ERP after commit.
    """
    from suppliers.selectors import asn_tolerance_for

    who = as_actor(actor)
    number = number.strip()
    if not number:
        raise DomainError(_("The ASN needs a number."))
    if DespatchAdvice.objects.filter(supplier=supplier, number=number).exists():
        raise DomainError(_("ASN number %(n)s is already used.") % {"n": number})
    if not lines:
        raise DomainError("An ASN needs at least one line.")
    ids = sorted({li.order_line.pk for li in lines})
    locked = {
        line.pk: line for line in PurchaseOrderLine.objects.select_for_update(of=("self",))
        .select_related("order", "order__ship_to").filter(pk__in=ids).order_by("pk")
    }
    ship_tos = set()
    for li in lines:
        line = locked.get(li.order_line.pk)
        if line is None or line.order.supplier_id != supplier.pk:
            raise PermissionDenied(_("An order line of the ASN does not belong to this supplier."))
        li.order_line = line
        if line.order.status != PurchaseOrder.Status.CONFIRMED:
            raise DomainError(_("Order %(n)s is not confirmed.") % {"n": line.order.number})
        if line.cancelled or line.confirmation in (PurchaseOrderLine.Confirmation.REJECTED,
                                                   PurchaseOrderLine.Confirmation.PENDING):
            raise DomainError(_("Line %(line)s is not open for shipping.") % {"line": line})
        if li.quantity <= 0:
            raise DomainError(_("Line %(line)s: the quantity must be more than zero.") % {"line": line})
        if li.lots:
            names = [name for name, _q in li.lots]
            if len(set(names)) != len(names):
                raise DomainError(_("Line %(line)s: a lot is listed twice.") % {"line": line})
            if any(q <= 0 for _n, q in li.lots) or sum(q for _n, q in li.lots) != li.quantity:
                raise DomainError(_("Line %(line)s: the lot quantities must add up to %(q)s.") % {"line": line, "q": _num(li.quantity)})
        if li.serials:
            if len(set(li.serials)) != len(li.serials):
                raise DomainError(_("Line %(line)s: a serial number is listed twice.") % {"line": line})
            if len(li.serials) > li.quantity:
                raise DomainError(_("Line %(line)s: more serial numbers than pieces.") % {"line": line})
        ship_tos.add(line.order.ship_to_id)
    if len(ship_tos) > 1:
        raise DomainError(_("All lines of an ASN must go to the same ship-to plant."))
    tolerance = asn_tolerance_for(supplier=supplier)
    shipped = _shipped_quantities(ids)
    this_asn: dict[int, Decimal] = {}
    for li in lines:
        this_asn[li.order_line.pk] = this_asn.get(li.order_line.pk, Decimal(0)) + li.quantity
    for pk, quantity in this_asn.items():
        line = locked[pk]
        allowed = line.effective_quantity * (1 + tolerance / 100)
        if shipped.get(pk, Decimal(0)) + quantity > allowed:
            left = max(allowed - shipped.get(pk, Decimal(0)), Decimal(0))
            raise DomainError(
                _("Line %(line)s: at most %(left)s %(unit)s more may be shipped (confirmed %(confirmed)s, "
                  "tolerance %(tolerance)s %%).") % {"line": line, "left": _num(left), "unit": line.unit,
                                                    "confirmed": _num(line.effective_quantity),
                                                    "tolerance": _num(tolerance)}
            )
    refs = {p.ref: p for p in packages}
    if len(refs) != len(list(packages)):
        raise DomainError(_("Two packages have the same reference."))
    for p in packages:
        if p.type not in DespatchPackage.Type.values:
            raise DomainError(_("Unknown package type %(t)r.") % {"t": p.type})
        if p.parent_ref:
            parent = refs.get(p.parent_ref)
            if parent is None or parent.type != DespatchPackage.Type.PALLET or parent.ref == p.ref:
                raise DomainError(_("Package %(ref)s must sit on a pallet of this ASN.") % {"ref": p.ref})
            if p.type == DespatchPackage.Type.PALLET:
                raise DomainError(_("A pallet cannot sit on another pallet."))
    for li in lines:
        if li.package_ref and li.package_ref not in refs:
            raise DomainError(_("Line %(line)s: unknown package %(ref)s.") % {"line": li.order_line, "ref": li.package_ref})
    # Pallets first, so parents exist when their cartons are created.
    ordered = sorted(packages, key=lambda p: p.type != DespatchPackage.Type.PALLET)
    ssccs = dict(zip([p.ref for p in ordered], sscc_allocate(supplier=supplier, count=len(ordered))))
    package_rows = [{"sscc": ssccs[p.ref], "type": p.type, "parent": ssccs.get(p.parent_ref, "")} for p in ordered]
    inputs = [
        AsnLineInput(line_no=n, order_line=li.order_line, quantity=li.quantity, lots=li.lots or None,
                     serials=li.serials or None, package_sscc=ssccs.get(li.package_ref, ""))
        for n, li in enumerate(lines, start=1)
    ]
    advice = despatch_advice_create(
        supplier=supplier, number=number, ship_to=locked[ids[0]].order.ship_to, ship_date=ship_date,
        expected_delivery=expected_delivery, carrier=carrier.strip(), tracking_number=tracking_number.strip(),
        lines=inputs, packages=package_rows, source=DespatchAdvice.Source.WEB, actor=who,
    )
    from suppliers.tasks import erp_publish_despatch_advice

    pk = advice.pk
    transaction.on_commit(lambda: erp_publish_despatch_advice.delay(pk))
    return advice


# --- Preferences ------------------------------------------------------------------------------

@transaction.atomic
def user_preferences_update(
    *, user: AbstractBaseUser, actor: AnyActor, language: str | None = None,
    email_kinds: dict[str, bool] | None = None,
) -> UserPreferences:
    """Set a user's e-mail language and which kinds of e-mail they get (None leaves it as it is)."""
    from suppliers.notifications import KINDS

    prefs, _created = UserPreferences.objects.get_or_create(user=user)
    changed: dict[str, Any] = {}
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise DomainError(f"Unknown language {language!r}.")
        if prefs.language != language:
            prefs.language = language
            prefs.save(update_fields=["language", "updated_at"])
            changed["language"] = language
    for kind, wanted in (email_kinds or {}).items():
        if kind not in KINDS:
            raise DomainError(f"Unknown notification kind {kind!r}.")
        row = NotificationPreference.objects.filter(user=user, kind=kind).first()
        current = True if row is None else row.email
        if current != wanted:
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": wanted})
            changed[kind] = wanted
    if changed:
        membership = getattr(user, "supplier_membership", None)
        event_record(actor=actor, verb="preferences.changed", obj=prefs,
                     supplier=membership.supplier if membership else None, payload=changed)
    return prefs


# --- Goods receipts -------------------------------------------------------------------------

@dataclass
class ReceiptLineInput:
    line_no: int
    order_line: PurchaseOrderLine
    received_quantity: Decimal
    rejected_quantity: Decimal = Decimal(0)
    lot: str = ""
    advice_line: DespatchAdviceLine | None = None


@transaction.atomic
def goods_receipt_create(
    *, number: str, supplier: Supplier, plant: Plant, received_on: date, lines: Iterable[ReceiptLineInput],
    actor: AnyActor, advice: DespatchAdvice | None = None,
) -> GoodsReceipt:
    receipt = GoodsReceipt.objects.create(
        number=number, supplier=supplier, plant=plant, received_on=received_on, advice=advice
    )
    line_inputs = list(lines)
    for li in line_inputs:
        if li.order_line.order.supplier_id != supplier.pk:
            raise DomainError(f"Order line {li.order_line} does not belong to {supplier.code}.")
    GoodsReceiptLine.objects.bulk_create(
        GoodsReceiptLine(
            receipt=receipt, line_no=li.line_no, order_line=li.order_line, advice_line=li.advice_line,
            part_id=li.order_line.part_id, lot=li.lot, received_quantity=li.received_quantity,
            rejected_quantity=li.rejected_quantity, received_on=received_on,
        )
        for li in line_inputs
    )
    if advice is not None and advice.status == DespatchAdvice.Status.SUBMITTED:
        despatch_advice_transition(advice=advice, to=DespatchAdvice.Status.RECEIVED, actor=actor)
    event_record(actor=actor, verb="receipt.created", obj=receipt, payload={"lines": len(line_inputs)})
    return receipt


# --- Order responses (EDI ORDRSP/855 and the portal's confirmation) ------------------------------

@dataclass
class LineResponse:
    line: PurchaseOrderLine
    status: str  # accepted | changed | rejected
    quantity: Decimal | None = None
    delivery_date: date | None = None
    reason: str = ""
    reason_code: str = ""


def _response_number(order: PurchaseOrder) -> str:
    seq = order.responses.count() + 1
    number = f"{order.number}-R{seq}"
    return number if len(number) <= 35 else f"R{order.pk}-{seq}"


@transaction.atomic
def purchase_order_respond(
    *, order: PurchaseOrder, responses: Iterable[LineResponse], actor: AnyActor, source: str = "web",
) -> PurchaseOrder:
    """Apply a supplier's answer per line: accept, change quantity and/or date, or reject.

    Every call is one order response (an ``OrderResponse`` row holding the canonical
    ``order_response``). One that did not come by EDI is handed to the ERP after commit through
    ``erp_publish``; an EDI partner's ORDRSP/855 already reaches the ERP through the hub, so it
    goes nowhere else. The order becomes CONFIRMED once no line is pending (REJECTED when every
    line is rejected). Refuses rejections the buyer has forbidden on the order and lines of
    another order.
    """
    from suppliers.documents import order_response_document

    who = as_actor(actor)
    order = PurchaseOrder.objects.select_for_update().select_related("supplier").get(pk=order.pk)
    if order.status not in (PurchaseOrder.Status.ISSUED, PurchaseOrder.Status.CONFIRMED):
        raise InvalidTransition(order, order.status, "responded")
    changes = []
    answered: list[tuple[PurchaseOrderLine, str]] = []
    for r in responses:
        line = r.line
        if line.order_id != order.pk:
            raise DomainError(_("Line %(line)s is not on order %(n)s.") % {"line": line, "n": order.number})
        if r.status not in ("accepted", "changed", "rejected"):
            raise DomainError(f"Unknown line status {r.status!r}.")
        if line.cancelled and source != "edi":
            raise DomainError(_("Line %(line)s of %(n)s is cancelled.") % {"line": line.line_no, "n": order.number})
        if r.reason_code and r.reason_code not in ResponseReason.values:
            raise DomainError(f"Unknown reason {r.reason_code!r}.")
        if r.status == "rejected":
            if not order.allow_rejection:
                raise DomainError(_("The buyer does not allow rejecting lines of %(n)s.") % {"n": order.number})
            line.confirmation = PurchaseOrderLine.Confirmation.REJECTED
            line.confirmed_quantity = Decimal(0)
            line.confirmed_date = None
            line.rejection_reason = (r.reason or (_stored_label(ResponseReason(r.reason_code).label) if r.reason_code
                                                  else "") or "rejected by the supplier")[:200]
        else:
            quantity = line.quantity if r.quantity is None else r.quantity
            when = r.delivery_date or line.requested_date
            if quantity < 0:
                raise DomainError(_("A confirmed quantity cannot be negative."))
            changed = r.status == "changed" or quantity != line.quantity or when != line.requested_date
            line.confirmation = (
                PurchaseOrderLine.Confirmation.CHANGED if changed else PurchaseOrderLine.Confirmation.ACCEPTED
            )
            line.confirmed_quantity = quantity
            line.confirmed_date = when
            line.rejection_reason = ""
        line.reason_code = r.reason_code if line.confirmation != PurchaseOrderLine.Confirmation.ACCEPTED else ""
        line.save(update_fields=["confirmation", "confirmed_quantity", "confirmed_date", "rejection_reason",
                                 "reason_code"])
        # EDI carries no reason for a change (docs/canonical.md); only the portal and the API do.
        reason = r.reason if line.confirmation == PurchaseOrderLine.Confirmation.CHANGED and source != "edi" else ""
        if line.confirmation == PurchaseOrderLine.Confirmation.REJECTED:
            reason = line.rejection_reason
        answered.append((line, reason))
        changes.append({"line": line.line_no, "status": line.confirmation,
                        "quantity": str(line.confirmed_quantity), "date": str(line.confirmed_date or ""),
                        "reason_code": line.reason_code, "reason": reason})
    if not answered:
        raise DomainError(_("An order response needs at least one line."))
    statuses = {line.confirmation for line, _reason in answered}
    overall = statuses.pop() if len(statuses) == 1 else PurchaseOrderLine.Confirmation.CHANGED
    response = OrderResponse.objects.create(
        order=order, number=_response_number(order), source=source if source in OrderResponse.Source.values else "api",
        status=overall, created_by=who.user, actor_label=who.label[:150],
    )
    response.document = order_response_document(response=response, order=order, answered=answered)
    response.save(update_fields=["document"])
    from suppliers.erp.services import erp_feed_append

    # The ERP change feed, in this transaction; the file hand-off happens below / in the EDI hub.
    erp_feed_append(kind="order_response", supplier=order.supplier, document=response.document, actor=who,
                    source=source, publish=False)
    event_record(actor=who, verb="po.responded", obj=order, payload={
        "source": source, "response": response.number, "status": overall, "lines": changes,
    })
    lines = list(order.lines.filter(cancelled=False))
    if lines and all(li.confirmation != PurchaseOrderLine.Confirmation.PENDING for li in lines):
        target = (PurchaseOrder.Status.REJECTED
                  if all(li.confirmation == PurchaseOrderLine.Confirmation.REJECTED for li in lines)
                  else PurchaseOrder.Status.CONFIRMED)
        if order.status != target:
            purchase_order_transition(order=order, to=target, actor=who)
    if source != "edi":
        from suppliers.tasks import erp_publish_order_response

        pk = response.pk
        transaction.on_commit(lambda: erp_publish_order_response.delay(pk))
    return order


# --- Purchase orders from the ERP (API, canonical JSON, IDoc) --------------------------------

@dataclass
class UpsertResult:
    order: PurchaseOrder
    created: bool
    changed: bool


def _plant_for(party: dict[str, Any] | None) -> Plant:
    ident = (party or {}).get("id", "")
    plant = Plant.objects.filter(code=ident).first() or (Plant.objects.filter(gln=ident).first() if ident else None)
    if plant is None:
        raise DomainError(f"Unknown ship-to plant {ident!r}.")
    return plant


@transaction.atomic
def purchase_order_upsert(*, document: dict[str, Any], actor: AnyActor, source: str) -> UpsertResult:
    """Create or replace a PO from a canonical ``purchase_order``, by number and revision.

    The same number and revision twice changes nothing (idempotent); an older revision than the
    one on file is refused; a newer one replaces header and lines and sends the order back to the
    supplier for confirmation. Lines missing from a new revision are cancelled, never deleted.
    ``purpose: cancel`` cancels the order.
    """
    number = str(document.get("id") or "").strip()
    if not number:
        raise DomainError("The purchase order has no number (id).")
    revision = int(document.get("revision") or 0)
    supplier_ref = (document.get("supplier") or {}).get("id", "")
    supplier = Supplier.objects.filter(code=supplier_ref).first()
    if supplier is None:
        raise DomainError(f"Unknown supplier {supplier_ref!r}.")
    existing = PurchaseOrder.objects.select_for_update().filter(number=number).first()
    if existing is not None and existing.supplier_id != supplier.pk:
        raise DomainError(f"Purchase order {number} belongs to another supplier.")
    if document.get("purpose") == "cancel":
        if existing is None:
            raise DomainError(f"Cannot cancel unknown purchase order {number}.")
        if existing.status != PurchaseOrder.Status.CANCELLED:
            purchase_order_transition(order=existing, to=PurchaseOrder.Status.CANCELLED, actor=actor, reason="ERP")
            return UpsertResult(existing, False, True)
        return UpsertResult(existing, False, False)
    if existing is not None and revision < existing.revision:
        raise DomainError(f"Revision {revision} of {number} is older than revision {existing.revision} on file.")
    if existing is not None and revision == existing.revision:
        return UpsertResult(existing, False, False)
    ship_to = _plant_for(document.get("ship_to"))
    issued = date.fromisoformat(document["issued"]) if document.get("issued") else timezone.localdate()
    currency = document.get("currency") or "USD"
    raw_lines = document.get("lines") or []
    if not raw_lines:
        raise DomainError("A purchase order needs at least one line.")
    parts = {p.buyer_part_number: p for p in Part.objects.filter(
        buyer_part_number__in=[str(li.get("buyer_part", "")) for li in raw_lines])}
    inputs = []
    for li in raw_lines:
        part = parts.get(str(li.get("buyer_part", "")))
        if part is None:
            raise DomainError(f"Line {li.get('line')}: unknown part {li.get('buyer_part')!r}.")
        try:
            line_no = int(str(li.get("line")))
        except ValueError as exc:
            raise DomainError(f"Line number {li.get('line')!r} is not a number.") from exc
        when = li.get("delivery_date") or document.get("delivery_date")
        if not when:
            raise DomainError(f"Line {line_no}: no delivery date.")
        inputs.append(LineInput(
            line_no=line_no, part=part, quantity=Decimal(str(li["quantity"])), price=Decimal(str(li.get("price") or 0)),
            requested_date=date.fromisoformat(when), unit=str(li.get("unit") or part.unit)[:3],
            supplier_part_number=str(li.get("supplier_part") or ""),
        ))
    if existing is None:
        order = purchase_order_create(
            number=number, supplier=supplier, ship_to=ship_to, order_date=issued, lines=inputs, actor=actor,
            currency=currency, revision=revision, source=source,
        )
        return UpsertResult(order, True, True)
    order = existing
    order.revision, order.ship_to, order.order_date, order.currency = revision, ship_to, issued, currency
    order.full_clean()
    order.save()
    current = {line.line_no: line for line in order.lines.all()}
    seen = set()
    for li in inputs:
        seen.add(li.line_no)
        line = current.get(li.line_no)
        if line is None:
            PurchaseOrderLine.objects.create(
                order=order, line_no=li.line_no, part=li.part, quantity=li.quantity, price=li.price,
                requested_date=li.requested_date, unit=li.unit, supplier_part_number=li.supplier_part_number,
            )
            continue
        line.part, line.quantity, line.price = li.part, li.quantity, li.price
        line.requested_date, line.unit, line.cancelled = li.requested_date, li.unit, False
        if li.supplier_part_number:
            line.supplier_part_number = li.supplier_part_number
        line.confirmation, line.confirmed_quantity, line.confirmed_date = "pending", None, None
        line.rejection_reason = ""
        line.save()
    for line_no, line in current.items():
        if line_no not in seen and not line.cancelled:
            line.cancelled = True
            line.save(update_fields=["cancelled"])
    event_record(actor=actor, verb="po.revised", obj=order, payload={"revision": revision, "source": source})
    if order.status != PurchaseOrder.Status.DRAFT:
        purchase_order_transition(order=order, to=PurchaseOrder.Status.ISSUED, actor=actor, reason=f"revision {revision}")
    return UpsertResult(order, False, True)


# --- Invoices --------------------------------------------------------------------------------

@transaction.atomic
def invoice_record(
    *, supplier: Supplier, document: dict[str, Any], actor: AnyActor, source: str = "edi",
) -> tuple[Any, bool]:
    """Record a supplier invoice from a canonical ``invoice``; the same number twice is one invoice."""
    from suppliers.models import Invoice, InvoiceLine

    number = str(document.get("id") or "").strip()
    if not number:
        raise DomainError("The invoice has no number.")
    existing = Invoice.objects.filter(supplier=supplier, number=number).first()
    if existing is not None:
        return existing, False
    order = None
    if document.get("order"):
        order = PurchaseOrder.objects.filter(supplier=supplier, number=document["order"]).first()
        if order is None:
            raise DomainError(f"Invoice {number} refers to unknown order {document['order']!r} of {supplier.code}.")
    invoice = Invoice.objects.create(
        number=number, supplier=supplier, order=order, kind=document.get("kind", "invoice"),
        invoice_date=date.fromisoformat(document.get("issued") or timezone.localdate().isoformat()),
        currency=document.get("currency") or (order.currency if order else "USD"),
        total=Decimal(str(document.get("total") or 0)), tax=Decimal(str(document.get("tax") or 0)), source=source,
    )
    for li in document.get("lines") or []:
        line_order = order
        if li.get("order") and (order is None or li["order"] != order.number):
            line_order = PurchaseOrder.objects.filter(supplier=supplier, number=li["order"]).first()
        order_line = None
        if line_order is not None:
            candidates = line_order.lines.select_related("part")
            order_line = next((c for c in candidates if str(c.line_no) == str(li.get("line", "")).lstrip("0")
                               or c.part.buyer_part_number == li.get("buyer_part")), None)
        InvoiceLine.objects.create(
            invoice=invoice, line_no=str(li.get("line", ""))[:10], order_line=order_line,
            part=order_line.part if order_line else Part.objects.filter(buyer_part_number=li.get("buyer_part", "")).first(),
            buyer_part=str(li.get("buyer_part", ""))[:35], quantity=Decimal(str(li.get("quantity") or 0)),
            price=Decimal(str(li["price"])) if li.get("price") else None,
            amount=Decimal(str(li["amount"])) if li.get("amount") else None,
        )
    event_record(actor=actor, verb="invoice.received", obj=invoice, supplier=supplier,
                 payload={"total": str(invoice.total), "currency": invoice.currency, "source": source})
    from suppliers.erp.services import feed_invoice

    feed_invoice(invoice=invoice, actor=actor)  # the ERP change feed, in this transaction
    return invoice, True
