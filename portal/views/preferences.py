"""A user's preferences: which e-mails they get and in which language; the language switcher
remembers the choice for e-mails too."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.views.common import supplier_required
from suppliers import selectors, services
from suppliers.notifications import KINDS


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of e-mails and pages"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, translation.get_language_info(code)["name_local"])
                                           for code, _name in settings.LANGUAGES]
        for kind in KINDS.values():
            self.fields[f"email_{kind.key}"] = forms.BooleanField(label=kind.label, help_text=kind.help_text,
                                                                  required=False)

    def email_kinds(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"email_{key}")) for key in KINDS}

    def kind_fields(self):
        return [self[f"email_{key}"] for key in KINDS]


@supplier_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.user_preferences_get(user=request.user)
    initial = {"language": current["language"] or translation.get_language() or settings.LANGUAGE_CODE,
               **{f"email_{k}": v for k, v in current["email"].items()}}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        services.user_preferences_update(user=request.user, actor=request.user, language=language,
                                         email_kinds=form.email_kinds())
        translation.activate(language)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("portal:preferences")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            samesite="Lax")
        return response
    return render(request, "portal/preferences.html", {"form": form})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher, which also remembers the choice as the user's e-mail language."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_preferences_update(user=request.user, actor=request.user, language=language)
    return response
