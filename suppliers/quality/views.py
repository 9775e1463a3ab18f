"""Supplier pages of quality feedback. Every read goes through a selector taking
``request.supplier``: another supplier's notice, step or attachment is a 404 — by page, list,
search, export or download."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.views.common import paginate, supplier_required
from suppliers.errors import DomainError
from suppliers.quality import files, selectors, services
from suppliers.quality.forms import StepAnswerForm, refusal_message
from suppliers.quality.models import NoticeAttachment, QualityNotice
from suppliers.selectors import events_for_supplier_object


def _filters(request: HttpRequest) -> tuple[str, str]:
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in ("open", *QualityNotice.Status.values):
        status = ""
    return q, status


@supplier_required
def notice_list(request: HttpRequest) -> HttpResponse:
    q, status = _filters(request)
    notices = selectors.quality_notices_for(supplier=request.supplier, search=q, status=status)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(request, "quality/list.html", {
        "page": paginate(request, notices), "q": q, "status": status, "today": timezone.localdate(),
        "statuses": list(QualityNotice.Status), "export_query": export_query.urlencode(),
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


def _text(value: str) -> str:
    # A leading = + - @ would make a spreadsheet run the cell as a formula (CSV injection).
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


@supplier_required
def notice_export(request: HttpRequest) -> StreamingHttpResponse:
    q, status = _filters(request)
    notices = selectors.quality_notices_for(supplier=request.supplier, search=q, status=status)
    writer = csv.writer(_Echo())
    header = ["number", "raised", "status", "part", "lot", "asn", "receipt", "defect_code", "defect", "severity",
              "rejected_quantity", "unit", "title", "steps_accepted", "next_due", "overdue_steps"]

    def rows():
        yield writer.writerow(header)
        for n in notices.iterator(chunk_size=1000):
            yield writer.writerow([
                n.number, timezone.localdate(n.raised_at), n.status, n.part.buyer_part_number, _text(n.lot),
                n.advice.number if n.advice_id else "", n.receipt.number if n.receipt_id else "", n.defect_code.code,
                n.defect_code.label, n.severity, n.rejected_quantity, n.unit, _text(n.title), n.accepted_steps,
                n.next_due or "", n.overdue_steps,
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quality-notices-{request.supplier.code}.csv"'
    return response


def _detail_context(request: HttpRequest, notice: QualityNotice, bound: StepAnswerForm | None = None) -> dict:
    steps = list(notice.steps.all())
    today = timezone.localdate()
    blocks = []
    for step in steps:
        can_answer = notice.is_open and services.answerable(step, steps)
        form = None
        if can_answer:
            form = bound if bound is not None and bound.step.pk == step.pk else StepAnswerForm(step=step)
        blocks.append({"step": step, "can_answer": can_answer, "form": form, "overdue": step.is_overdue(today),
                       "attachments": [a for a in notice.attachments.all() if a.step_id == step.pk]})
    return {
        "notice": notice, "blocks": blocks, "today": today,
        "buyer_attachments": [a for a in notice.attachments.all() if a.side == NoticeAttachment.Side.BUYER
                              and a.step_id is None],
        "accepted": sum(1 for s in steps if s.status == "accepted"),
        "history": events_for_supplier_object(supplier=request.supplier, obj=notice)[:50],
    }


@supplier_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.quality_notice_get(supplier=request.supplier, pk=pk)
    return render(request, "quality/detail.html", _detail_context(request, notice))


@require_POST
@supplier_required
def step_answer(request: HttpRequest, pk: int, discipline: int) -> HttpResponse:
    step = selectors.step_get(supplier=request.supplier, notice_pk=pk, discipline=discipline)
    form = StepAnswerForm(request.POST, request.FILES, step=step)
    if form.is_valid():
        try:
            services.step_answer(step=step, text=form.cleaned_data["text"], actor=request.user,
                                 attachments=form.cleaned_data["attachments"])
        except files.AttachmentRefused as exc:
            form.add_error("attachments", refusal_message(exc, ""))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(step)s sent to the buyer for review.") % {"step": step.get_discipline_display()})
            return redirect(reverse("quality:detail", args=[pk]) + f"#step-{discipline}")
    notice = selectors.quality_notice_get(supplier=request.supplier, pk=pk)
    return render(request, "quality/detail.html", _detail_context(request, notice, bound=form), status=400)


def serve_attachment(attachment: NoticeAttachment) -> FileResponse:
    """Send a stored attachment as a download that the browser must not render or sniff."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("attachment file missing") from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@supplier_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = selectors.attachment_get(supplier=request.supplier, notice_pk=pk, pk=attachment_pk)
    return serve_attachment(attachment)
