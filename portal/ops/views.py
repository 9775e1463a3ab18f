"""The operator page of the buyer console: backlog, failures of the last 24 h, certificates."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal.ops.selectors import operator_overview


def operator_page(request: HttpRequest):
    if not request.user.has_perm("edi.view_interchange"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("Operations"),
        "data": operator_overview(),
    }
    return TemplateResponse(request, "admin/ops/operator.html", context)
