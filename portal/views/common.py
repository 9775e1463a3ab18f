from __future__ import annotations

from functools import wraps
from typing import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from suppliers.models import Supplier


def supplier_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Portal pages: only active users of an active supplier; buyers go to their console."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = request.membership  # type: ignore[attr-defined]
        if membership is None:
            if request.user.is_staff:
                return redirect("/console/")
            return render(request, "portal/no_access.html", status=403)
        if membership.supplier.status in (Supplier.Status.SUSPENDED, Supplier.Status.INACTIVE):
            return render(request, "portal/no_access.html", {"suspended": True}, status=403)
        request.supplier = membership.supplier  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def supplier_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @supplier_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.membership.is_admin:  # type: ignore[attr-defined]
            return render(request, "portal/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def paginate(request: HttpRequest, queryset, per_page: int = 25):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
