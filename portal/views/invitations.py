from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from portal.forms import SetPasswordForm
from suppliers import services
from suppliers.errors import DomainError


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_get_pending(token=token)
    if invitation is None:
        return render(request, "portal/invitation_invalid.html", status=404)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc)
        except DomainError:
            return render(request, "portal/invitation_invalid.html", status=404)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:home")
    return render(request, "portal/invitation_accept.html", {"invitation": invitation, "form": form})
