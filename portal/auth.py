"""django-allauth adapter: no open sign-up; people arrive by invitation only."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if request.user.is_staff:
            return "/console/"
        return super().get_login_redirect_url(request)


from allauth.mfa.adapter import DefaultMFAAdapter  # noqa: E402


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator) -> bool:
        """A user of a supplier that requires two-factor login may not remove the last factor."""
        from suppliers.selectors import membership_for

        membership = membership_for(authenticator.user)
        if membership and membership.supplier.require_mfa and authenticator.type == authenticator.Type.TOTP:
            return False
        return super().can_delete_authenticator(authenticator)
