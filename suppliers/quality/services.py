"""Writes of quality feedback: raise a notice, answer and review its 8D steps, attachments,
overdue reminders, and the notice's trips to the ERP and to EDI partners (QALITY).

Every function is keyword-only, atomic and audited; e-mail and EDI leave after commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from suppliers.audit import Actor, as_actor, event_record
from suppliers.errors import DomainError, InvalidTransition, PermissionDenied
from suppliers.models import (
    DespatchAdvice,
    GoodsReceipt,
    Part,
    PurchaseOrder,
    Supplier,
    SupplierPart,
)
from suppliers.quality import files
from suppliers.quality.models import (
    DefectCode,
    Discipline,
    EightDStep,
    NoticeAttachment,
    QualityNotice,
    StepAnswer,
)

AnyActor = Actor | AbstractBaseUser | None

# Days from the day a notice is raised to each step's due date (the engineer can move them).
DEFAULT_DUE_DAYS = {1: 1, 2: 2, 3: 2, 4: 10, 5: 15, 6: 30, 7: 30, 8: 45}
MAX_ANSWER = 10_000


def max_attachment_bytes() -> int:
    return int(getattr(settings, "QUALITY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


# --- who may do what ---------------------------------------------------------------------------

def _require_buyer(who: Actor, perm: str) -> None:
    user = who.user
    if user is None:
        return  # the system (demo data, automatic notices)
    if not (user.is_active and user.is_staff and user.has_perm(perm)):
        raise PermissionDenied(_("Only the buyer's quality engineers may do this."))


def _require_supplier_user(who: Actor, supplier: Supplier) -> None:
    user = who.user
    if user is None:
        return
    membership = getattr(user, "supplier_membership", None)
    if not (membership and membership.is_active and membership.supplier_id == supplier.pk):
        raise PermissionDenied(_("Only the supplier's own users may answer its quality notices."))


# --- raise -------------------------------------------------------------------------------------

@dataclass
class Upload:
    """A file to attach: a name as the user gave it and a binary stream."""

    name: str
    stream: IO[bytes]
    size: int


@transaction.atomic
def quality_notice_raise(
    *, supplier: Supplier, part: Part, defect_code: DefectCode, rejected_quantity: Decimal, severity: str,
    title: str, description: str, actor: AnyActor, lot: str = "", advice: DespatchAdvice | None = None,
    receipt: GoodsReceipt | None = None, order: PurchaseOrder | None = None,
    due_dates: dict[int, date] | None = None, attachments: Iterable[Upload] = (),
) -> QualityNotice:
    """Raise a non-conformance against ``supplier`` for a part and a lot, ASN and/or receipt.

    References must be the supplier's own; the ASN and order are taken from the receipt (and the
    order from the ASN) when not given. Creates the eight 8D steps with their due dates, then
    (after commit) tells the supplier, feeds the ERP and sends QALITY to partners that want it.
    """
    who = as_actor(actor)
    _require_buyer(who, "quality.add_qualitynotice")
    lot = (lot or "").strip()
    if not (lot or advice or receipt):
        raise DomainError(_("A quality notice names a lot, an ASN or a goods receipt."))
    for ref, label in ((advice, _("ASN")), (receipt, _("Goods receipt")), (order, _("Purchase order"))):
        if ref is not None and ref.supplier_id != supplier.pk:
            raise DomainError(_("%(what)s %(ref)s belongs to another supplier.") % {"what": label, "ref": ref})
    if not SupplierPart.objects.filter(supplier=supplier, part=part).exists():
        raise DomainError(_("%(s)s does not supply %(part)s.") % {"s": supplier.code, "part": part.buyer_part_number})
    if not defect_code.is_active:
        raise DomainError(_("Defect code %(code)s is no longer in use.") % {"code": defect_code.code})
    if rejected_quantity is None or rejected_quantity < 0:
        raise DomainError(_("The rejected quantity cannot be negative."))
    if severity not in QualityNotice.Severity.values:
        raise DomainError(f"Unknown severity {severity!r}.")
    if not title.strip() or not description.strip():
        raise DomainError(_("A quality notice needs a title and a description."))
    if receipt is not None and advice is None:
        advice = receipt.advice
    if advice is not None and order is None:
        line = advice.lines.filter(part=part).select_related("order_line__order").first()
        order = line.order_line.order if line else None
    notice = QualityNotice(
        number=f"tmp-{timezone.now():%f}", supplier=supplier, part=part, lot=lot, advice=advice, receipt=receipt,
        order=order, defect_code=defect_code, rejected_quantity=rejected_quantity, unit=part.unit,
        severity=severity, title=title.strip()[:120], description=description.strip(), raised_by=who.user,
    )
    notice.save()
    # The number follows the row id: unique without a counter to lock.
    notice.number = f"QN-{timezone.localdate():%Y}-{notice.pk:05d}"
    notice.save(update_fields=["number"])
    today = timezone.localdate()
    due = {d: today + timedelta(days=n) for d, n in DEFAULT_DUE_DAYS.items()}
    due.update(due_dates or {})
    EightDStep.objects.bulk_create(EightDStep(notice=notice, discipline=d, due_date=due[d]) for d in Discipline.values)
    event_record(actor=who, verb="quality.raised", obj=notice, supplier=supplier, payload={
        "part": part.buyer_part_number, "lot": lot, "asn": advice.number if advice else "",
        "receipt": receipt.number if receipt else "", "defect": defect_code.code,
        "rejected": str(rejected_quantity), "severity": severity,
    })
    for upload in attachments:
        attachment_add(notice=notice, upload=upload, actor=who, side=NoticeAttachment.Side.BUYER)
    from suppliers.quality import notify

    notify.notice_raised(notice)
    _to_erp(notice, who)
    _to_partner(notice, purpose="original")
    return notice


@transaction.atomic
def quality_notice_transition(*, notice: QualityNotice, to: str, actor: AnyActor, reason: str = "") -> QualityNotice:
    """The one guard of the notice status machine (``QualityNotice.TRANSITIONS``)."""
    current = notice.status
    if not notice.can_transition_to(to):
        raise InvalidTransition(notice, current, to)
    notice.status = to
    fields = ["status", "updated_at"]
    if to in (QualityNotice.Status.CLOSED, QualityNotice.Status.CANCELLED):
        notice.closed_at = timezone.now()
        fields.append("closed_at")
    notice.save(update_fields=fields)
    event_record(actor=actor, verb=f"quality.{to}", obj=notice, supplier=notice.supplier,
                 payload={"from": current, "to": to, "reason": reason})
    return notice


@transaction.atomic
def quality_notice_cancel(*, notice: QualityNotice, actor: AnyActor, reason: str) -> QualityNotice:
    who = as_actor(actor)
    _require_buyer(who, "quality.change_qualitynotice")
    if not reason.strip():
        raise DomainError(_("Say why the notice is cancelled."))
    notice = QualityNotice.objects.select_for_update().get(pk=notice.pk)
    quality_notice_transition(notice=notice, to=QualityNotice.Status.CANCELLED, actor=who, reason=reason.strip())
    _to_erp(notice, who)
    _to_partner(notice, purpose="cancel")
    return notice


# --- the 8D workflow ---------------------------------------------------------------------------

def answerable(step: EightDStep, steps: list[EightDStep]) -> bool:
    """Whether the supplier may answer ``step`` now (``steps``: all eight of its notice).

    Steps are answered in order (each after the previous has an answer, whatever its review),
    a returned answer may be given again, and D8 closure waits until D1–D7 are accepted.
    """
    if step.status not in EightDStep.OWED_BY_SUPPLIER:
        return False
    earlier = [s for s in steps if s.discipline < step.discipline]
    if step.discipline == Discipline.D8:
        return all(s.status == EightDStep.Status.ACCEPTED for s in earlier)
    return all(s.status != EightDStep.Status.PENDING for s in earlier)


@transaction.atomic
def step_answer(
    *, step: EightDStep, text: str, actor: AnyActor, attachments: Iterable[Upload] = (),
) -> EightDStep:
    """The supplier answers one 8D step (again, after it was returned)."""
    who = as_actor(actor)
    notice = QualityNotice.objects.select_for_update().select_related("supplier").get(pk=step.notice_id)
    _require_supplier_user(who, notice.supplier)
    if not notice.is_open:
        raise DomainError(_("Quality notice %(n)s is %(status)s.") % {
            "n": notice.number, "status": notice.get_status_display().lower()})
    steps = list(notice.steps.select_for_update().order_by("discipline"))
    step = next(s for s in steps if s.pk == step.pk)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("The answer is empty."))
    if len(text) > MAX_ANSWER:
        raise DomainError(_("The answer is longer than %(n)d characters.") % {"n": MAX_ANSWER})
    if step.status == EightDStep.Status.SUBMITTED:
        raise DomainError(_("%(step)s is awaiting the buyer's review.") % {"step": step.code})
    if step.status == EightDStep.Status.ACCEPTED:
        raise DomainError(_("%(step)s has been accepted.") % {"step": step.code})
    if not answerable(step, steps):
        if step.discipline == Discipline.D8:
            raise DomainError(_("D8 closure can be answered once D1 to D7 are accepted."))
        raise DomainError(_("Answer the steps before %(step)s first.") % {"step": step.code})
    now = timezone.now()
    StepAnswer.objects.create(step=step, text=text, submitted_by=who.user)
    step.answer, step.answered_at, step.answered_by = text, now, who.user
    step.status = EightDStep.Status.SUBMITTED
    step.save(update_fields=["answer", "answered_at", "answered_by", "status"])
    event_record(actor=who, verb="quality.step_answered", obj=notice, supplier=notice.supplier,
                 payload={"step": step.code, "length": len(text)})
    for upload in attachments:
        attachment_add(notice=notice, upload=upload, actor=who, side=NoticeAttachment.Side.SUPPLIER, step=step)
    if notice.status == QualityNotice.Status.OPEN:
        quality_notice_transition(notice=notice, to=QualityNotice.Status.IN_PROGRESS, actor=who)
    from suppliers.quality import notify

    notify.step_answered(step)
    return step


@transaction.atomic
def step_review(*, step: EightDStep, accept: bool, comment: str, actor: AnyActor) -> EightDStep:
    """The buyer accepts or returns the supplier's answer to a step. Accepting D8 closes the notice."""
    who = as_actor(actor)
    _require_buyer(who, "quality.change_eightdstep")
    notice = QualityNotice.objects.select_for_update().select_related("supplier").get(pk=step.notice_id)
    step = EightDStep.objects.select_for_update().get(pk=step.pk)
    comment = (comment or "").strip()
    if step.status != EightDStep.Status.SUBMITTED:
        raise DomainError(_("%(n)s %(step)s has no answer awaiting review.") % {"n": notice.number, "step": step.code})
    if not accept and not comment:
        raise DomainError(_("Say what is missing when returning an answer."))
    now = timezone.now()
    decision = StepAnswer.Decision.ACCEPTED if accept else StepAnswer.Decision.RETURNED
    step.status = EightDStep.Status.ACCEPTED if accept else EightDStep.Status.RETURNED
    step.review_comment, step.reviewed_at, step.reviewed_by = comment, now, who.user
    step.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by"])
    StepAnswer.objects.filter(pk=step.answers.order_by("-submitted_at", "-id").values("pk")[:1]).update(
        decision=decision, comment=comment, decided_at=now, decided_by=who.user)
    event_record(actor=who, verb=f"quality.step_{decision}", obj=notice, supplier=notice.supplier,
                 payload={"step": step.code, "comment": comment[:500]})
    from suppliers.quality import notify

    notify.step_reviewed(step, notice=notice)
    if accept and step.discipline == Discipline.D8 and not notice.steps.exclude(
            status=EightDStep.Status.ACCEPTED).exists():
        quality_notice_transition(notice=notice, to=QualityNotice.Status.CLOSED, actor=who, reason="8D accepted")
        _to_erp(notice, who)
        _to_partner(notice, purpose="replace")
    return step


@transaction.atomic
def step_set_due(*, step: EightDStep, due_date: date, actor: AnyActor) -> EightDStep:
    who = as_actor(actor)
    _require_buyer(who, "quality.change_eightdstep")
    step = EightDStep.objects.select_for_update().select_related("notice__supplier").get(pk=step.pk)
    before = step.due_date
    step.due_date = due_date
    step.save(update_fields=["due_date"])
    event_record(actor=who, verb="quality.step_due_changed", obj=step.notice, supplier=step.notice.supplier,
                 payload={"step": step.code, "from": str(before), "to": str(due_date)})
    return step


# --- attachments ---------------------------------------------------------------------------------

@transaction.atomic
def attachment_add(
    *, notice: QualityNotice, upload: Upload, actor: AnyActor, side: str, step: EightDStep | None = None,
) -> NoticeAttachment:
    """Store a photo or PDF outside the web root after checking its real type and size.

    Raises :class:`suppliers.quality.files.AttachmentRefused` for anything else.
    """
    who = as_actor(actor)
    if side == NoticeAttachment.Side.SUPPLIER:
        _require_supplier_user(who, notice.supplier)
    else:
        _require_buyer(who, "quality.add_noticeattachment")
    if step is not None and step.notice_id != notice.pk:
        raise DomainError(_("That 8D step belongs to another notice."))
    head = upload.stream.read(files.HEAD_BYTES)
    upload.stream.seek(0)
    content_type = files.check(name=upload.name, size=upload.size, head=head, max_bytes=max_attachment_bytes())
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.stream.read(1 << 16), b""):
        digest.update(chunk)
    upload.stream.seek(0)
    attachment = NoticeAttachment(
        notice=notice, step=step, name=files.clean_name(upload.name), content_type=content_type, size=upload.size,
        sha256=digest.hexdigest(), side=side, uploaded_by=who.user,
    )
    attachment.file.save("upload", File(upload.stream), save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no row, no file
        raise
    event_record(actor=who, verb="quality.attachment_added", obj=notice, supplier=notice.supplier,
                 payload={"name": attachment.name, "type": content_type, "size": upload.size,
                          "step": step.code if step else ""})
    return attachment


# --- reminders -------------------------------------------------------------------------------------

def remind_overdue(*, today: date | None = None) -> int:
    """E-mail suppliers about 8D steps past their due date that they can answer now.

    Idempotent: each step is claimed for ``today`` with a conditional update before anything is
    queued, so a second run on the same day (or two workers at once) reminds nobody twice.
    Returns the number of steps reminded.
    """
    today = today or timezone.localdate()
    candidates = (EightDStep.objects.filter(status__in=EightDStep.OWED_BY_SUPPLIER, due_date__lt=today,
                                            notice__status__in=QualityNotice.OPEN_STATUSES)
                  .filter(Q(reminded_on=None) | Q(reminded_on__lt=today))
                  .values_list("notice_id", flat=True).distinct())
    reminded = 0
    for notice_id in list(candidates):
        with transaction.atomic():
            notice = QualityNotice.objects.select_related("supplier").get(pk=notice_id)
            steps = list(notice.steps.order_by("discipline"))
            due = [s for s in steps if s.is_overdue(today) and answerable(s, steps)
                   and (s.reminded_on is None or s.reminded_on < today)]
            claimed = [s for s in due if EightDStep.objects.filter(pk=s.pk).filter(
                Q(reminded_on=None) | Q(reminded_on__lt=today)).update(reminded_on=today)]
            if not claimed:
                continue
            event_record(actor=Actor.system("quality-reminders"), verb="quality.reminded", obj=notice,
                         supplier=notice.supplier, payload={"steps": [s.code for s in claimed], "day": str(today)})
            from suppliers.quality import notify

            notify.steps_overdue(notice, claimed, today=today)
            reminded += len(claimed)
    return reminded


# --- ERP and EDI -----------------------------------------------------------------------------------

def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def quality_notice_document(notice: QualityNotice, *, purpose: str = "original") -> dict[str, Any]:
    """The canonical ``quality_notice`` (QALITY); envelope fields are added by the outbound pipeline."""
    line: dict[str, Any] = {"line": "1", "buyer_part": notice.part.buyer_part_number}
    offer = SupplierPart.objects.filter(supplier=notice.supplier_id, part=notice.part_id).first()
    if offer is not None:
        line["supplier_part"] = offer.supplier_part_number
    if notice.part.description:
        line["description"] = notice.part.description[:70]
    line["quantity"] = _number(notice.rejected_quantity)
    if notice.unit:
        line["unit"] = notice.unit
    if notice.lot:
        line["lot"] = notice.lot
    line["defect_code"] = notice.defect_code.code
    line["defect_description"] = notice.defect_code.label[:35]
    doc: dict[str, Any] = {
        "type": "quality_notice", "id": notice.number, "issued": timezone.localdate(notice.raised_at).isoformat(),
        "purpose": purpose, "severity": notice.severity,
        "description": f"{notice.title}: {notice.description}"[:350],
        "supplier": {"id": notice.supplier.code, "name": notice.supplier.name[:70]},
        "lines": [line],
    }
    if notice.status == QualityNotice.Status.CLOSED and notice.closed_at:
        doc["closed"] = timezone.localdate(notice.closed_at).isoformat()
    if notice.order_id:
        doc["order"] = notice.order.number
    if notice.advice_id:
        doc["despatch_advice"] = notice.advice.number
    if notice.receipt_id:
        doc["receipt"] = notice.receipt.number
    return doc


def _to_erp(notice: QualityNotice, who: Actor) -> None:
    """Feed the notice (raised, closed or cancelled) to the ERP, in the caller's transaction."""
    from suppliers.erp.services import erp_feed_append

    document = quality_notice_document(notice, purpose="original" if notice.is_open else (
        "cancel" if notice.status == QualityNotice.Status.CANCELLED else "replace"))
    document["x_status"] = notice.status  # extension field: open, in_progress, closed, cancelled
    erp_feed_append(kind="quality_notice", supplier=notice.supplier, document=document, actor=who, source="quality")


def partner_for_quality(supplier: Supplier):
    """The supplier's active EDIFACT partner that asked for quality notices, or None."""
    from edi.models import TradingPartner

    return (TradingPartner.objects.filter(supplier=supplier, is_active=True, send_quality_notices=True,
                                          standard=TradingPartner.Standard.EDIFACT)
            .order_by("pk").first())


def _to_partner(notice: QualityNotice, *, purpose: str) -> None:
    if partner_for_quality(notice.supplier) is None:
        return
    from suppliers.quality.tasks import quality_notice_send_edi

    pk = notice.pk
    transaction.on_commit(lambda: quality_notice_send_edi.delay(pk, purpose))


def quality_notice_send_to_partner(*, notice_id: int, purpose: str):
    """QALITY to the partner; idempotent per notice and purpose (``quality:NUMBER:PURPOSE``)."""
    from edi.services.outbound import outbound_create

    notice = QualityNotice.objects.select_related("supplier", "part", "defect_code", "order", "advice",
                                                  "receipt").get(pk=notice_id)
    partner = partner_for_quality(notice.supplier)
    if partner is None:
        return None
    document = quality_notice_document(notice, purpose=purpose)
    return outbound_create(partner=partner, documents=[document], actor=Actor.system("quality"),
                           reference=f"quality:{notice.number}:{purpose}")
