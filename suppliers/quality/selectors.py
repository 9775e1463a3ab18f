"""Reads of quality feedback. Supplier-facing selectors take ``supplier=`` and filter by it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from suppliers.models import Supplier
from suppliers.quality.models import (
    DefectCode,
    EightDStep,
    NoticeAttachment,
    QualityNotice,
    StepAnswer,
)


def _owed(today: date) -> dict[str, Any]:
    owed = Q(steps__status__in=EightDStep.OWED_BY_SUPPLIER)
    return {
        "next_due": Min("steps__due_date", filter=owed),
        "overdue_steps": Count("steps", filter=owed & Q(steps__due_date__lt=today)),
        "accepted_steps": Count("steps", filter=Q(steps__status=EightDStep.Status.ACCEPTED)),
    }


def quality_notices_for(
    *, supplier: Supplier, search: str = "", status: str = "", today: date | None = None,
) -> QuerySet[QualityNotice]:
    today = today or timezone.localdate()
    qs = (QualityNotice.objects.filter(supplier=supplier)
          .select_related("part", "defect_code", "advice", "receipt")
          .annotate(**_owed(today)))
    if status == "open":
        qs = qs.filter(status__in=QualityNotice.OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(number__icontains=search) | Q(lot__icontains=search) | Q(part__buyer_part_number__icontains=search)
            | Q(advice__number__icontains=search) | Q(receipt__number__icontains=search)
            | Q(title__icontains=search) | Q(defect_code__code__iexact=search)
        )
    return qs.order_by("-raised_at", "-number")


def quality_notice_get(*, supplier: Supplier, pk: Any) -> QualityNotice:
    """One of the supplier's notices with its steps, answers and attachments; 404 otherwise."""
    steps = EightDStep.objects.order_by("discipline").prefetch_related(
        Prefetch("answers", queryset=StepAnswer.objects.order_by("submitted_at", "id")),
    )
    qs = (QualityNotice.objects.filter(supplier=supplier)
          .select_related("part", "defect_code", "advice", "receipt", "order", "supplier", "automatic")
          .prefetch_related(Prefetch("steps", queryset=steps),
                            Prefetch("attachments", queryset=NoticeAttachment.objects.select_related("step"))))
    return get_object_or_404(qs, pk=pk)


def step_get(*, supplier: Supplier, notice_pk: Any, discipline: Any) -> EightDStep:
    qs = EightDStep.objects.filter(notice__supplier=supplier, notice_id=notice_pk).select_related("notice")
    return get_object_or_404(qs, discipline=discipline)


def attachment_get(*, supplier: Supplier, notice_pk: Any, pk: Any) -> NoticeAttachment:
    """An attachment of one of the supplier's notices; 404 for anyone else's."""
    qs = NoticeAttachment.objects.filter(notice__supplier=supplier, notice_id=notice_pk)
    return get_object_or_404(qs, pk=pk)


def defect_codes() -> QuerySet[DefectCode]:
    return DefectCode.objects.filter(is_active=True)


def dashboard_for(*, supplier: Supplier, today: date | None = None) -> dict[str, Any]:
    """For the supplier dashboard: open notices with 8D steps owed, and how many are overdue."""
    today = today or timezone.localdate()
    owed = EightDStep.objects.filter(notice__supplier=supplier, notice__status__in=QualityNotice.OPEN_STATUSES,
                                     status__in=EightDStep.OWED_BY_SUPPLIER)
    counts = owed.aggregate(notices=Count("notice", distinct=True),
                            overdue=Count("pk", filter=Q(due_date__lt=today)))
    return {"notices_due": counts["notices"], "overdue_steps": counts["overdue"]}
