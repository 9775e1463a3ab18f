"""The portal's "API key" page: a supplier user makes, sees once and revokes a personal key that
reads that supplier's data through the API (docs/api.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.views.common import supplier_required
from suppliers.erp import selectors
from suppliers.erp.services import api_key_revoke, supplier_api_key_create
from suppliers.errors import DomainError


@never_cache
@supplier_required
def api_key(request: HttpRequest) -> HttpResponse:
    current = selectors.api_key_of(user=request.user)
    new_key = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                issued = supplier_api_key_create(user=request.user, actor=request.user)
                current, new_key = issued.api_key, issued.key  # shown in this response only
            elif action == "revoke" and current is not None:
                api_key_revoke(api_key=current, actor=request.user)
                messages.success(request, _("Your API key has been revoked."))
                return redirect("erp:api_key")
            else:
                return redirect("erp:api_key")
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("erp:api_key")
    return render(request, "erp/api_key.html", {
        "current": current, "new_key": new_key,
        "api_base": request.build_absolute_uri("/api/v1/"), "docs_url": request.build_absolute_uri("/api/docs/"),
    })
