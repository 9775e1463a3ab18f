"""Migrations on big tables must not lock writes for the length of an index build."""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from portal.ops.migration_lint import findings_for, scan


def _migration(*operations, atomic: bool = True) -> migrations.Migration:
    m = migrations.Migration("0099_test", "edi")
    m.operations = list(operations)
    m.atomic = atomic
    return m


def test_plain_add_index_on_a_big_table_is_flagged():
    op = migrations.AddIndex("interchange", models.Index(fields=["filename"], name="interchange_filename"))
    found = findings_for("edi", "0099_test", _migration(op))
    assert [str(f) for f in found] == [
        "edi.0099_test: AddIndex on edi.interchange locks writes while the index builds"]


def test_unique_constraint_and_indexed_field_on_a_big_table_are_flagged():
    ops = [
        migrations.AddConstraint("event", models.UniqueConstraint(fields=["object_id"], name="u")),
        migrations.AddField("interchangemessage", "lot", models.CharField(max_length=35, db_index=True, default="")),
    ]
    assert len(findings_for("edi", "0099_test", _migration(*ops))) == 1  # the event one belongs to suppliers
    assert len(findings_for("suppliers", "0099_test", _migration(ops[0]))) == 1


def test_concurrent_index_small_tables_and_new_tables_pass():
    concurrent = AddIndexConcurrently("interchange", models.Index(fields=["filename"], name="interchange_filename"))
    small = migrations.AddIndex("tradingpartner", models.Index(fields=["name"], name="partner_name"))
    created = [migrations.CreateModel("interchange", [("id", models.BigAutoField(primary_key=True))]),
               migrations.AddIndex("interchange", models.Index(fields=["id"], name="i"))]
    assert findings_for("edi", "0099", _migration(concurrent, atomic=False)) == []
    assert findings_for("edi", "0099", _migration(small)) == []
    assert findings_for("edi", "0099", _migration(*created)) == []


def test_the_migrations_in_the_tree_do_not_lock_big_tables():
    assert [str(f) for f in scan()] == []
