"""Retention purge: dry run by default, audited, and never past a legal hold or an open quality notice."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from portal.ops.quality_hook import UNKNOWN, QualityReferences
from portal.ops.services import (
    HoldError,
    legal_hold_place,
    legal_hold_release,
    purge_plan,
    retention_purge,
)
from suppliers.audit import Actor

OLD = 8 * 365  # past the default retention of 7 years
ACTOR = Actor.system("test")


@pytest.fixture(autouse=True)
def no_quality_app(monkeypatch):
    """By default the quality app says nothing is open; tests that care replace this."""
    monkeypatch.setattr("portal.ops.services.open_quality_references", lambda: QualityReferences(source="test"))


def _exists(*rows) -> list[bool]:
    from edi.models import Interchange

    return [Interchange.objects.filter(pk=r.pk).exists() for r in rows]


def test_the_default_retention_is_seven_years(settings):
    assert settings.RETENTION_DAYS >= 7 * 365


def test_dry_run_is_the_default_deletes_nothing_and_is_recorded(make_interchange, edifact_partner, hub, capsys):
    from portal.ops.models import PurgeRun
    from suppliers.models import Event

    old = make_interchange(partner=edifact_partner, age_days=OLD, data=b"UNB+old'")
    call_command("purge")
    assert _exists(old) == [True]
    assert (hub.drop_root / old.archive_path).exists()
    run = PurgeRun.objects.get()
    assert run.dry_run and run.counts["interchanges"] == 1
    assert Event.objects.filter(verb="retention.dry_run").exists()
    assert "Would delete: 1 interchanges" in capsys.readouterr().out


def test_execute_deletes_old_interchanges_files_and_messages_and_keeps_recent_ones(
        make_interchange, edifact_partner, hub, django_capture_on_commit_callbacks):
    from edi.models import InterchangeMessage
    from portal.ops.models import PurgeRun
    from suppliers.models import Event

    old = make_interchange(partner=edifact_partner, age_days=OLD, data=b"UNB+old'")
    InterchangeMessage.objects.create(interchange=old, index=0, message_type="DESADV", document_id="ASN-OLD",
                                      state="processed")
    recent = make_interchange(partner=edifact_partner, age_days=30, data=b"UNB+recent'")
    error_copy = hub.drop_root / edifact_partner.code / "error" / f"{old.pk}-old.edi"
    error_copy.parent.mkdir(parents=True, exist_ok=True)
    error_copy.write_bytes(b"UNB+old'")

    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        call_command("purge", "--execute")

    assert _exists(old, recent) == [False, True]
    assert not (hub.drop_root / old.archive_path).exists() and not error_copy.exists()
    assert (hub.drop_root / recent.archive_path).exists()
    assert not InterchangeMessage.objects.filter(document_id="ASN-OLD").exists()
    run = PurgeRun.objects.get(dry_run=False)
    assert run.deleted == [{"id": old.pk, "sha256": old.sha256, "size": old.size, "partner": "ALPHA-EDI",
                            "created": old.created_at.isoformat()}]
    assert Event.objects.filter(verb="retention.interchanges_deleted", object_id=str(run.pk)).exists()


@pytest.mark.parametrize("target", ["interchange", "partner", "supplier"])
def test_a_legal_hold_keeps_what_it_covers(make_interchange, edifact_partner, x12_partner, target, hub):
    held = make_interchange(partner=edifact_partner, age_days=OLD, data=b"UNB+held'")
    other = make_interchange(partner=x12_partner, age_days=OLD, data=b"ISA*other~")
    what = {"interchange": held, "partner": edifact_partner, "supplier": edifact_partner.supplier}[target]
    legal_hold_place(reason="Litigation 2031-17", reference="LIT-17", actor=ACTOR, **{target: what})

    run = retention_purge(actor=ACTOR, dry_run=False)

    assert _exists(held, other) == [True, False]
    assert (hub.drop_root / held.archive_path).exists()
    assert run.kept == {"legal hold": 1}


def test_a_released_hold_no_longer_keeps(make_interchange, edifact_partner):
    old = make_interchange(partner=edifact_partner, age_days=OLD)
    hold = legal_hold_place(reason="audit", interchange=old, actor=ACTOR)
    legal_hold_release(hold=hold, actor=ACTOR)
    with pytest.raises(HoldError):
        legal_hold_release(hold=hold, actor=ACTOR)
    retention_purge(actor=ACTOR, dry_run=False)
    assert _exists(old) == [False]
    hold.refresh_from_db()  # the released hold stays, saying what it held
    assert hold.interchange is None and hold.target == f"interchange #{old.pk}"


def test_a_hold_names_exactly_one_target(edifact_partner):
    with pytest.raises(HoldError):
        legal_hold_place(reason="x", actor=ACTOR, supplier=edifact_partner.supplier, partner=edifact_partner)
    with pytest.raises(HoldError):
        legal_hold_place(reason="  ", actor=ACTOR, partner=edifact_partner)


def test_a_hold_placed_after_the_plan_still_wins(make_interchange, edifact_partner, monkeypatch):
    """The purge re-checks holds under lock just before deleting."""
    from portal.ops import services

    old = make_interchange(partner=edifact_partner, age_days=OLD)
    real_plan = services.purge_plan

    def plan_then_hold(**kwargs):
        plan = real_plan(**kwargs)
        legal_hold_place(reason="late", partner=edifact_partner, actor=ACTOR)
        return plan

    monkeypatch.setattr(services, "purge_plan", plan_then_hold)
    retention_purge(actor=ACTOR, dry_run=False)
    assert _exists(old) == [True]


def test_an_open_quality_notice_keeps_the_interchanges_of_its_lot_asn_or_receipt(make_interchange, edifact_partner,
                                                                                 tenant_a, monkeypatch):
    from edi.models import InterchangeMessage

    by_asn = make_interchange(partner=edifact_partner, age_days=OLD)
    by_lot = make_interchange(partner=edifact_partner, age_days=OLD)
    by_receipt = make_interchange(partner=edifact_partner, age_days=OLD)
    free = make_interchange(partner=edifact_partner, age_days=OLD)
    for row, doc in ((by_asn, "ASN-Q-1"), (by_lot, tenant_a.asn.number), (by_receipt, "GR-Q-9"), (free, "ASN-FREE")):
        InterchangeMessage.objects.create(interchange=row, index=0, message_type="DESADV", document_id=doc,
                                          state="processed")
    refs = QualityReferences(lots=frozenset({"LOT-ALPHA-A"}), asn_numbers=frozenset({"ASN-Q-1"}),
                             receipt_numbers=frozenset({"GR-Q-9"}), source="test")
    monkeypatch.setattr("portal.ops.services.open_quality_references", lambda: refs)

    run = retention_purge(actor=ACTOR, dry_run=False)

    assert _exists(by_asn, by_lot, by_receipt, free) == [True, True, True, False]
    assert run.kept == {"open quality notice": 3}


def test_when_quality_notices_cannot_be_read_nothing_is_deleted(make_interchange, edifact_partner, monkeypatch):
    old = make_interchange(partner=edifact_partner, age_days=OLD)
    monkeypatch.setattr("portal.ops.services.open_quality_references", lambda: UNKNOWN)
    run = retention_purge(actor=ACTOR, dry_run=False)
    assert _exists(old) == [True]
    assert run.kept == {"quality notices cannot be read": 1}


def test_without_the_quality_app_the_hook_protects_nothing(settings):
    from portal.ops.quality_hook import open_quality_references

    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if "quality" not in a]
    refs = open_quality_references()
    assert refs.known and refs.empty


def test_work_in_progress_and_split_families_are_kept_together(make_interchange, edifact_partner):
    moving = make_interchange(partner=edifact_partner, age_days=OLD, state="archived")
    parent = make_interchange(partner=edifact_partner, age_days=OLD, state="split")
    held_part = make_interchange(partner=edifact_partner, age_days=OLD, parent=parent)
    other_part = make_interchange(partner=edifact_partner, age_days=OLD, parent=parent)
    legal_hold_place(reason="one part", interchange=held_part, actor=ACTOR)

    plan = purge_plan()
    assert plan.delete == []
    assert plan.kept == {"still in progress": 1, "legal hold": 3}
    retention_purge(actor=ACTOR, dry_run=False)
    assert _exists(moving, parent, held_part, other_part) == [True, True, True, True]


def test_acknowledgements_of_a_kept_interchange_are_kept(make_interchange, edifact_partner):
    inbound = make_interchange(partner=edifact_partner, age_days=OLD)
    ack = make_interchange(partner=edifact_partner, age_days=OLD, direction="out", state="delivered",
                           acknowledges=inbound)
    legal_hold_place(reason="dispute", interchange=inbound, actor=ACTOR)
    retention_purge(actor=ACTOR, dry_run=False)
    assert _exists(inbound, ack) == [True, True]


def test_retention_days_can_be_shortened_per_run(make_interchange, edifact_partner):
    a_year = make_interchange(partner=edifact_partner, age_days=400)
    assert purge_plan().delete == []
    assert purge_plan(days=365).delete == [a_year.pk]


@pytest.fixture
def quality_notice(tenant_a):
    from django.apps import apps

    if "quality" not in apps.app_configs:  # by label: the app lives at suppliers.quality
        pytest.skip("the quality app is not installed")
    QualityNotice = apps.get_model("quality", "QualityNotice")
    DefectCode = apps.get_model("quality", "DefectCode")
    code = DefectCode.objects.get_or_create(code="SOLDER", defaults={"label": "Solderability"})[0]

    def make(*, status: str, lot: str = "", advice=None, number: str = "QN-1"):
        return QualityNotice.objects.create(number=number, supplier=tenant_a.supplier, part=tenant_a.order.lines.get().part,
                                            lot=lot, advice=advice, defect_code=code, rejected_quantity=5,
                                            title="Solder voids", description="x", status=status)

    return make


def test_the_real_quality_app_open_notice_keeps_its_lot(make_interchange, edifact_partner, tenant_a, quality_notice,
                                                        monkeypatch):
    from edi.models import InterchangeMessage
    from portal.ops.quality_hook import open_quality_references

    monkeypatch.setattr("portal.ops.services.open_quality_references", open_quality_references)  # the real hook
    quality_notice(status="open", lot="LOT-ALPHA-A", number="QN-OPEN")
    quality_notice(status="closed", lot="LOT-CLOSED", number="QN-CLOSED")
    refs = open_quality_references()
    assert refs.known and "LOT-ALPHA-A" in refs.lots and "LOT-CLOSED" not in refs.lots

    kept = make_interchange(partner=edifact_partner, age_days=OLD)
    InterchangeMessage.objects.create(interchange=kept, index=0, message_type="DESADV", document_id=tenant_a.asn.number,
                                      state="processed")
    gone = make_interchange(partner=edifact_partner, age_days=OLD)
    retention_purge(actor=ACTOR, dry_run=False)
    assert _exists(kept, gone) == [True, False]


def test_attachments_of_closed_notices_go_and_of_open_ones_stay(quality_notice, settings, tmp_path, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from portal.ops.quality_hook import open_quality_references

    monkeypatch.setattr("portal.ops.services.open_quality_references", open_quality_references)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Attachment = apps.get_model("quality", "NoticeAttachment")
    attachments = []
    for status in ("open", "closed"):
        notice = quality_notice(status=status, number=f"QN-{status}")
        a = Attachment(notice=notice, name="photo.png", content_type="image/png", size=3, sha256="0" * 64, side="buyer")
        a.file.save("photo.png", ContentFile(b"png"), save=True)
        Attachment.objects.filter(pk=a.pk).update(uploaded_at=timezone.now() - timedelta(days=OLD))
        attachments.append(a)
    opened, closed = attachments
    closed_path = closed.file.path

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_purge(actor=ACTOR, dry_run=False)

    assert Attachment.objects.filter(pk=opened.pk).exists()
    assert not Attachment.objects.filter(pk=closed.pk).exists()
    assert not __import__("os").path.exists(closed_path)
    assert run.counts["attachment_files"] == 1 and run.kept.get("open quality notice") == 1
