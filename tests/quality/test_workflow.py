"""The quality notice and its 8D: raise, answer in order, accept or return each answer, close on
D8; the ERP feed, e-mails, QALITY to partners that want it, cancellation, permissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from suppliers.errors import DomainError, PermissionDenied
from suppliers.models import Event
from suppliers.quality.models import DefectCode, EightDStep, QualityNotice
from suppliers.quality.services import DEFAULT_DUE_DAYS, quality_notice_cancel


def test_raising_creates_eight_steps_with_due_dates(tenant_a, raise_notice, mailoutbox):
    notice = raise_notice(tenant_a)
    today = timezone.localdate()
    assert notice.number == f"QN-{today:%Y}-{notice.pk:05d}"
    assert notice.status == "open" and notice.order == tenant_a.order  # the order comes from the ASN
    steps = list(notice.steps.order_by("discipline"))
    assert [s.discipline for s in steps] == list(range(1, 9))
    assert [s.due_date for s in steps] == [today + timedelta(days=DEFAULT_DUE_DAYS[d]) for d in range(1, 9)]
    assert Event.objects.filter(verb="quality.raised", supplier=tenant_a.supplier).exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([tenant_a.admin.email, tenant_a.member.email])
    assert notice.number in mailoutbox[0].subject and "SOLDER" in mailoutbox[0].body


def test_the_notice_goes_to_the_erp_feed(tenant_a, raise_notice):
    from suppliers.erp.models import FeedEntry

    notice = raise_notice(tenant_a)
    entry = FeedEntry.objects.get(kind="quality_notice")
    assert entry.supplier == tenant_a.supplier and entry.document["id"] == notice.number
    assert entry.document["lines"][0]["lot"] == "LOT-ALPHA-A" and entry.document["x_status"] == "open"


@pytest.mark.parametrize("field", ["advice", "receipt"])
def test_references_of_another_supplier_are_refused(tenant_a, tenant_b, raise_notice, field):
    with pytest.raises(DomainError, match="another supplier"):
        raise_notice(tenant_a, **{field: getattr(tenant_b, "asn" if field == "advice" else "receipt")})


def test_a_notice_names_a_lot_an_asn_or_a_receipt(tenant_a, raise_notice):
    with pytest.raises(DomainError, match="lot, an ASN or a goods receipt"):
        raise_notice(tenant_a, lot="", advice=None, receipt=None)


def test_only_quality_engineers_raise_notices(tenant_a, raise_notice, buyer):
    with pytest.raises(PermissionDenied):
        raise_notice(tenant_a, actor=buyer)  # the Buyer role may look, not raise
    with pytest.raises(PermissionDenied):
        raise_notice(tenant_a, actor=tenant_a.admin)


def test_steps_are_answered_in_order(tenant_a, raise_notice, answer):
    notice = raise_notice(tenant_a)
    with pytest.raises(DomainError, match="before D3"):
        answer(notice, 3, tenant_a.member)
    answer(notice, 1, tenant_a.member)
    notice.refresh_from_db()
    assert notice.status == "in_progress"
    answer(notice, 2, tenant_a.member)  # no need to wait for the review of D1
    with pytest.raises(DomainError, match="awaiting the buyer's review"):
        answer(notice, 1, tenant_a.member)


def test_another_suppliers_user_cannot_answer(tenant_a, tenant_b, raise_notice, answer):
    notice = raise_notice(tenant_a)
    with pytest.raises(PermissionDenied):
        answer(notice, 1, tenant_b.admin)
    assert notice.steps.get(discipline=1).status == "pending"


def test_returned_answer_is_given_again_and_history_is_kept(tenant_a, raise_notice, answer, review, mailoutbox):
    notice = raise_notice(tenant_a)
    answer(notice, 1, tenant_a.member, "Just me")
    mailoutbox.clear()
    with pytest.raises(DomainError, match="Say what is missing"):
        review(notice, 1, accept=False)
    review(notice, 1, accept=False, comment="Name a champion and process engineering")
    step = notice.steps.get(discipline=1)
    assert step.status == "returned" and step.review_comment.startswith("Name a champion")
    assert any("returned" in m.subject for m in mailoutbox)
    answer(notice, 1, tenant_a.member, "Champion: K. Sato; process: M. Li")
    review(notice, 1, accept=True)
    answers = list(step.answers.order_by("submitted_at", "id").values_list("text", "decision"))
    assert answers == [("Just me", "returned"), ("Champion: K. Sato; process: M. Li", "accepted")]


def test_d8_waits_for_d1_to_d7_and_its_acceptance_closes_the_notice(tenant_a, raise_notice, answer, review, hub):
    from suppliers.erp.models import FeedEntry

    notice = raise_notice(tenant_a)
    for d in range(1, 8):
        answer(notice, d, tenant_a.member)
    with pytest.raises(DomainError, match="D1 to D7 are accepted"):
        answer(notice, 8, tenant_a.member)
    for d in range(1, 8):
        review(notice, d)
    answer(notice, 8, tenant_a.member, "Closed; team thanked")
    review(notice, 8)
    notice.refresh_from_db()
    assert notice.status == "closed" and notice.closed_at is not None
    assert not notice.steps.exclude(status="accepted").exists()
    assert FeedEntry.objects.filter(kind="quality_notice").latest("pk").document["x_status"] == "closed"
    with pytest.raises(DomainError, match="closed"):
        answer(notice, 8, tenant_a.member)


def test_answers_are_e_mailed_to_the_engineer_who_raised(tenant_a, raise_notice, answer, engineer, mailoutbox):
    notice = raise_notice(tenant_a)
    mailoutbox.clear()
    answer(notice, 1, tenant_a.member, "Team: QA, production, logistics")
    mail = [m for m in mailoutbox if m.to == [engineer.email]]
    assert len(mail) == 1 and "D1" in mail[0].subject and "Team: QA" in mail[0].body
    assert f"/console/quality/qualitynotice/{notice.pk}/change/" in mail[0].body


def test_cancel(tenant_a, raise_notice, engineer, answer):
    notice = raise_notice(tenant_a)
    with pytest.raises(DomainError):
        quality_notice_cancel(notice=notice, actor=engineer, reason=" ")
    quality_notice_cancel(notice=notice, actor=engineer, reason="raised against the wrong lot")
    notice.refresh_from_db()
    assert notice.status == "cancelled"
    with pytest.raises(DomainError, match="cancelled"):
        answer(notice, 1, tenant_a.member)


def test_qality_goes_to_partners_that_want_it(tenant_a, tenant_b, raise_notice, engineer, hub,
                                              django_capture_on_commit_callbacks):
    from edi.models import Interchange
    from tests.edi.conftest import make_partner

    partner = make_partner(tenant_a, code="ALPHA-EDI", standard="edifact", interchange_id="ALPHAEDI",
                           send_quality_notices=True)
    make_partner(tenant_b, code="BRAVO-EDI", standard="edifact", interchange_id="BRAVOEDI")  # did not ask
    notice = raise_notice(tenant_a)
    raise_notice(tenant_b)
    sent = Interchange.objects.get(direction="out", reference=f"quality:{notice.number}:original")
    assert sent.partner == partner and sent.messages.get().message_type == "QALITY"
    assert Interchange.objects.filter(direction="out").count() == 1
    archived = (hub.drop_root / partner.code / "out").glob("*")
    assert any(b"QALITY:D:96A:UN" in p.read_bytes() and notice.number.encode() in p.read_bytes() for p in archived)
    with django_capture_on_commit_callbacks(execute=True):
        quality_notice_cancel(notice=notice, actor=engineer, reason="wrong lot")
    cancel = Interchange.objects.get(reference=f"quality:{notice.number}:cancel")
    assert cancel.messages.get().document["purpose"] == "cancel"


def test_inactive_defect_codes_cannot_be_used(tenant_a, raise_notice):
    code = DefectCode.objects.create(code="OLD", label="Retired", is_active=False)
    with pytest.raises(DomainError, match="no longer in use"):
        raise_notice(tenant_a, defect_code=code)


def test_database_keeps_quantities_and_statuses_valid(tenant_a, raise_notice):
    from django.db import IntegrityError, transaction

    notice = raise_notice(tenant_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityNotice.objects.filter(pk=notice.pk).update(rejected_quantity=Decimal(-1))
    with pytest.raises(IntegrityError), transaction.atomic():
        EightDStep.objects.filter(notice=notice, discipline=1).update(status="done")


def test_open_notices_are_protected_from_the_retention_purge(tenant_a, tenant_b, raise_notice, engineer):
    from portal.ops.quality_hook import open_quality_references
    from suppliers.quality.retention import open_references

    raise_notice(tenant_a)
    quality_notice_cancel(notice=raise_notice(tenant_b), actor=engineer, reason="duplicate")
    refs = open_references()
    assert refs == {"lots": {"LOT-ALPHA-A"}, "asn_numbers": {"ASN-ALPHA-1"}, "receipt_numbers": {"GR-ALPHA-1"}}
    seen = open_quality_references()  # what the purge reads
    assert seen.known and seen.asn_numbers == {"ASN-ALPHA-1"} and "ASN-BRAVO-1" not in seen.asn_numbers
