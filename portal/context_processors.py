from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {"membership": membership, "current_supplier": membership.supplier if membership else None}
