"""The buyer console: Django's admin, re-badged and with a front page that says what needs doing."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ConsoleSite(admin.AdminSite):
    site_header = _("Tsunagi buyer console")
    site_title = _("Tsunagi console")
    index_title = _("Overview")
    index_template = "admin/console_index.html"

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        from portal.console import overview

        extra_context = {**(extra_context or {}), "overview": overview(request)}
        return super().index(request, extra_context)


class ConsoleAdminConfig(AdminConfig):
    default_site = "portal.admin_site.ConsoleSite"
