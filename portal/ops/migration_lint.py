"""Migrations that would lock a big table for long on PostgreSQL, flagged before they ship.

``CREATE INDEX`` (what ``AddIndex`` and an index-backed ``AddConstraint`` run) blocks writes to
the table until the index is built: minutes on a table of millions of interchanges, while
partners' files and AS2 messages wait. ``AddIndexConcurrently`` in a non-atomic migration
builds it without that lock. Operations on a table created in the same migration are fine (it
is empty). The check runs with ``manage.py check`` (``ops.W001``) and in the test suite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.checks import Tags, Warning, register

# Tables that grow with traffic; "app_label.model_name" in lower case.
BIG_TABLES = frozenset({
    "edi.interchange", "edi.interchangemessage",
    "suppliers.event", "suppliers.purchaseorder", "suppliers.purchaseorderline",
    "suppliers.despatchadvice", "suppliers.despatchadviceline", "suppliers.despatchlot", "suppliers.despatchserial",
    "suppliers.goodsreceipt", "suppliers.goodsreceiptline",
})


@dataclass(frozen=True)
class Finding:
    migration: str
    operation: str
    table: str

    def __str__(self) -> str:
        return f"{self.migration}: {self.operation} on {self.table} locks writes while the index builds"


def _locking(operation) -> bool:
    from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
    from django.db import migrations, models

    if isinstance(operation, (AddIndexConcurrently, RemoveIndexConcurrently)):
        return False
    if isinstance(operation, migrations.AddIndex):
        return True
    if isinstance(operation, migrations.AddConstraint):
        return isinstance(operation.constraint, models.UniqueConstraint)
    if isinstance(operation, (migrations.AddField, migrations.AlterField)):
        field = operation.field
        return bool(getattr(field, "db_index", False) or getattr(field, "unique", False)) and not field.primary_key
    return False


def findings_for(app_label: str, name: str, migration) -> list[Finding]:
    from django.db import migrations

    created = {op.name_lower for op in migration.operations if isinstance(op, migrations.CreateModel)}
    out = []
    for operation in migration.operations:
        model = getattr(operation, "model_name", None) or getattr(operation, "model_name_lower", None)
        if not model:
            continue
        model = model.lower()
        table = f"{app_label}.{model}"
        if table in BIG_TABLES and model not in created and _locking(operation):
            out.append(Finding(f"{app_label}.{name}", type(operation).__name__, table))
    return out


def scan(migrations: Iterable[tuple[tuple[str, str], object]] | None = None) -> list[Finding]:
    if migrations is None:
        from django.db.migrations.loader import MigrationLoader

        migrations = MigrationLoader(None, ignore_no_migrations=True, load=True).disk_migrations.items()
    found = []
    for (app_label, name), migration in migrations:
        found.extend(findings_for(app_label, name, migration))
    return found


@register(Tags.database)
def big_table_locks(app_configs=None, **kwargs):
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    return [Warning(str(f), hint="Use django.contrib.postgres.operations.AddIndexConcurrently in a migration with "
                                  "atomic = False (docs/operations.md, 'Upgrades').", id="ops.W001")
            for f in scan()]
