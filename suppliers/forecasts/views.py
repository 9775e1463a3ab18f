"""Supplier pages of forecast collaboration. Every read goes through a selector taking
``request.supplier``: another supplier's version, line or bucket is a 404.

Forms work without JavaScript (POST, redirect); with htmx the commit form posts in place.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from portal.views.common import paginate, supplier_required
from suppliers.forecasts import csvio, selectors, services
from suppliers.forecasts.forms import CsvUploadForm, LineCommitForm
from suppliers.forecasts.models import Zone
from suppliers.selectors import events_for_supplier_object

GRID_PARTS_PER_PAGE = 50


@supplier_required
def current(request: HttpRequest) -> HttpResponse:
    version = selectors.forecast_current_for(supplier=request.supplier)
    if version is None:
        return render(request, "forecasts/none.html")
    return redirect("forecasts:detail", pk=version.pk)


@supplier_required
def version_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    versions = selectors.forecast_versions_for(supplier=request.supplier, search=q)
    return render(request, "forecasts/list.html", {"page": paginate(request, versions), "q": q})


@supplier_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.forecast_version_get(supplier=request.supplier, pk=pk)
    q = request.GET.get("q", "").strip()
    return render(request, "forecasts/detail.html", _detail_context(request, version, q=q))


def _detail_context(request: HttpRequest, version, *, q: str = "", upload_form=None, upload_errors=()) -> dict:
    page = paginate(request, selectors.forecast_lines_for(version=version, search=q), per_page=GRID_PARTS_PER_PAGE)
    lines = page.object_list
    columns = lines[0].buckets.all() if lines else selectors.bucket_columns(version=version)
    return {
        "version": version, "page": page, "lines": lines, "columns": columns, "q": q,
        "dropped": selectors.dropped_parts(version=version),
        "history": events_for_supplier_object(supplier=request.supplier, obj=version)[:30],
        "upload_form": upload_form or CsvUploadForm(), "upload_errors": list(upload_errors),
        "zones": Zone, "reasons": selectors.reason_codes(),
    }


@supplier_required
def line_commit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    line = selectors.forecast_line_get(supplier=request.supplier, version_pk=pk, pk=line_pk)
    version = line.version
    reasons = selectors.reason_codes()
    form = LineCommitForm(request.POST if request.method == "POST" else None, line=line, reasons=reasons)
    status = 200
    if request.method == "POST":
        if not version.is_current:
            form.errors.append(_("This forecast has been replaced by a newer version: commit against the current one."))
        elif form.is_valid():
            commits = form.commits()
            if not commits:
                form.errors.append(_("Enter a quantity for at least one bucket."))
            else:
                try:
                    result = services.forecast_commit(version=version, commits=commits, actor=request.user)
                except services.ForecastErrors as exc:
                    form.errors.extend(exc.errors)
                else:
                    messages.success(request, _("%(n)d bucket(s) of %(part)s committed, %(short)d short.") % {
                        "n": result.committed, "part": line.part.buyer_part_number, "short": result.short})
                    url = reverse("forecasts:detail", args=[version.pk]) + f"#line-{line.pk}"
                    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        else:
            form.errors.append(_("Some rows need attention."))
        status = 200 if request.htmx else 400
    return render(request, "forecasts/commit.html", {"line": line, "version": version, "form": form,
                                                     "zones": Zone}, status=status)


class _Echo:
    def write(self, value: str) -> str:
        return value


@supplier_required
def export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The commitment sheet of a version: one row per bucket, to fill in and upload."""
    version = selectors.forecast_version_get(supplier=request.supplier, pk=pk)
    q = request.GET.get("q", "").strip()
    lines = selectors.forecast_lines_for(version=version, search=q)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in csvio.commit_sheet_rows(version, lines)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="forecast-{request.supplier.code}-v{version.number}.csv"')
    return response


@supplier_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Commit in bulk from the commitment sheet; nothing is saved unless every row is right."""
    version = selectors.forecast_version_get(supplier=request.supplier, pk=pk)
    if request.method != "POST":
        return redirect(reverse("forecasts:detail", args=[version.pk]) + "#upload")
    form = CsvUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if not version.is_current:
        errors.append(_("This forecast has been replaced by a newer version: download the current sheet."))
    elif form.is_valid():
        try:
            rows = csvio.commit_rows(form.cleaned_data["file"],
                                     version=version, buckets=selectors.forecast_buckets_for(version=version))
            result = services.forecast_commit(
                version=version, actor=request.user, source="csv",
                commits=[services.BucketCommit(r.bucket_id, r.quantity, r.reason, r.comment) for r in rows])
        except csvio.CsvError as exc:
            errors.extend(exc.errors)
        except services.ForecastErrors as exc:
            errors.extend(exc.errors)
        else:
            messages.success(request, _("%(n)d bucket(s) committed from the file, %(short)d short.") % {
                "n": result.committed, "short": result.short})
            return redirect(reverse("forecasts:detail", args=[version.pk]))
    context = _detail_context(request, version, upload_form=form, upload_errors=errors)
    return render(request, "forecasts/detail.html", context, status=400)
