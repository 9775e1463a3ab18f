"""E-mail about quality notices. Supplier users are told through the portal's notifications (their
preferences and languages); the buyer's engineer is told when an answer awaits review."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse

from suppliers.quality.models import EightDStep, QualityNotice


def _tell_supplier(notice: QualityNotice, *, kind: str, template: str, **context) -> None:
    from suppliers.notifications import notify

    notify(kind=kind, supplier=notice.supplier, subject_template=f"quality/email/{template}_subject.txt",
           body_template=f"quality/email/{template}_body.txt", context={"notice": notice, **context},
           url=reverse("quality:detail", args=[notice.pk]))


def notice_raised(notice: QualityNotice) -> None:
    first_due = notice.steps.order_by("discipline").values_list("due_date", flat=True).first()
    _tell_supplier(notice, kind="quality", template="raised", first_due=str(first_due or ""))


def step_reviewed(step: EightDStep, *, notice: QualityNotice) -> None:
    # The step itself goes along so that its label is translated per recipient (step_label: older rows).
    _tell_supplier(notice, kind="quality", template="reviewed", step_code=step.code, step=step,
                   step_label=str(step.get_discipline_display()), accepted=step.status == EightDStep.Status.ACCEPTED,
                   comment=step.review_comment)


def steps_overdue(notice: QualityNotice, steps: list[EightDStep], *, today: date) -> None:
    _tell_supplier(notice, kind="reminder", template="overdue", today=str(today), steps=[
        {"code": s.code, "step": s, "label": str(s.get_discipline_display()), "due": str(s.due_date)} for s in steps])


def step_answered(step: EightDStep) -> None:
    """Tell the engineer who raised the notice (else the quality engineers) after commit."""
    from suppliers.quality.tasks import quality_answer_mail

    pk = step.pk
    transaction.on_commit(lambda: quality_answer_mail.delay(pk))
