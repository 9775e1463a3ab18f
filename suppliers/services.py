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
from django.utils import timezone

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
    Part,
    Plant,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierMembership,
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
        raise PermissionDenied("Only buyers and the supplier's administrators may invite users.")
    email = User.objects.normalize_email(email).strip().lower()
    if not email:
        raise DomainError("An e-mail address is required.")
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        membership = getattr(user, "supplier_membership", None)
        if user.is_active or user.has_usable_password():
            raise DomainError(f"{email} already has an account.")
        if membership is None or membership.supplier_id != supplier.pk:
            raise DomainError(f"{email} has been invited by another supplier.")
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
        raise DomainError("This invitation link is invalid, expired or already used.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":
        raise DomainError("This invitation link is invalid, expired or already used.")
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
        raise PermissionDenied("You may not revoke this invitation.")
    if invitation.state == "pending":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        event_record(actor=who, verb="invitation.revoked", obj=invitation, supplier=invitation.supplier)


@transaction.atomic
def membership_set_active(*, membership: SupplierMembership, active: bool, actor: AnyActor) -> None:
    """Deactivate (or reactivate) a supplier user; deactivated users cannot log in."""
    who = as_actor(actor)
    if not _can_manage_users(who, membership.supplier):
        raise PermissionDenied("Only buyers and the supplier's administrators may change users.")
    if who.user is not None and who.user.pk == membership.user_id and not active:
        raise DomainError("You cannot deactivate yourself.")
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
    return order


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
    return advice


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
