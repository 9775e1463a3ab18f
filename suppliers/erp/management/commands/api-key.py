"""python manage.py api-key create NAME --scope read|write | list | revoke NAME-OR-PREFIX"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from suppliers.audit import Actor
from suppliers.erp.models import ApiKey
from suppliers.erp.services import api_key_create, api_key_revoke
from suppliers.errors import DomainError


class Command(BaseCommand):
    help = "Create, list and revoke API keys of ERP systems. A new key is printed once and never again."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a key and print it (once)")
        create.add_argument("name", help="which system uses it, e.g. SAP-PRD")
        create.add_argument("--scope", choices=ApiKey.Scope.values, default=ApiKey.Scope.READ)
        sub.add_parser("list", help="keys with their prefix, scope and last use (never the key)")
        revoke = sub.add_parser("revoke", help="revoke an active ERP key by name or prefix")
        revoke.add_argument("name")

    def handle(self, *args, action: str, **options):
        actor = Actor.system("api-key command")
        if action == "create":
            try:
                issued = api_key_create(name=options["name"], scope=options["scope"], actor=actor)
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write(f"API key {issued.api_key.name!r} ({issued.api_key.scope}); store it now, it is not shown again:")
            self.stdout.write(issued.key)
        elif action == "list":
            for key in ApiKey.objects.select_related("supplier").order_by("name", "-created_at"):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                who = f" supplier {key.supplier.code}" if key.supplier_id else ""
                self.stdout.write(f"{key.prefix}  {key.name}  {key.scope}  {state}  last used {used}{who}")
        else:
            name = options["name"]
            keys = list(ApiKey.objects.filter(revoked_at=None, supplier=None, name=name)) or list(
                ApiKey.objects.filter(revoked_at=None, prefix=name))
            if not keys:
                raise CommandError(f"No active ERP key named or prefixed {name!r}.")
            for key in keys:
                api_key_revoke(api_key=key, actor=actor)
                self.stdout.write(f"revoked {key.prefix} {key.name}")
