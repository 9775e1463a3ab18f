"""Backup and restore round trip: pg_dump + archive copy → a fresh database → the same documents,
counts and hashes, checked by `verify_archive` (what deploy/restore.sh runs last)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.edi.conftest import despatch_advice, drop, interchange_bytes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_db():
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore need PostgreSQL")
    s = connection.settings_dict
    name = f"tsunagi_restore_{uuid.uuid4().hex[:10]}"
    base = f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    try:
        yield f"{base}/{name}"
    finally:
        subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)


def test_backup_then_restore_into_a_fresh_database_gives_the_same_documents(
        transactional_db, hub, edifact_partner, x12_partner, tenant_a, tenant_b, run, tmp_path, restore_db):
    from edi.models import Interchange
    from portal.ops.services import legal_hold_place
    from suppliers.audit import Actor
    from suppliers.models import DespatchAdvice

    # given: documents that came in through the pipeline, with archived raw bytes and acknowledgements
    drop(hub, edifact_partner, "a.edi", interchange_bytes(edifact_partner, [despatch_advice(tenant_a, number="ASN-B1")], control_number=11))
    drop(hub, x12_partner, "b.x12", interchange_bytes(x12_partner, [despatch_advice(tenant_b, number="ASN-B2")], control_number=12))
    run()
    assert Interchange.objects.filter(direction="in", state="processed").count() == 2
    legal_hold_place(reason="kept for the audit", partner=edifact_partner, actor=Actor.system("test"))
    archived = Interchange.objects.exclude(archive_path="").count()
    assert archived >= 4  # two inbound files and their two acknowledgements

    # when: a backup, then a restore into a new database and new folders
    backup = tmp_path / "backup"
    call_command("backup", to=backup)
    assert {p.name for p in backup.iterdir()} == {"db.dump", "edi.tar", "erp-in.tar", "erp-out.tar", "media.tar",
                                                  "manifest.json", "SHA256SUMS"}
    restored = tmp_path / "restored"
    env = {**os.environ, "DATABASE_URL": restore_db, "PYTHON": sys.executable,
           "EDI_ROOT": str(restored / "edi"), "ERP_INBOX": str(restored / "erp-in"),
           "ERP_OUTBOX": str(restored / "erp-out"), "MEDIA_ROOT": str(restored / "media")}
    result = subprocess.run(["bash", str(ROOT / "deploy" / "restore.sh"), str(backup)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=300)

    # then: the same rows and the same bytes
    assert result.returncode == 0, result.stdout + result.stderr
    assert "archive and counts verified" in result.stdout
    assert f"archive files checked: {archived}" in result.stdout
    assert f"suppliers.DespatchAdvice: {DespatchAdvice.objects.count()}" in result.stdout
    assert "ops.LegalHold: 1" in result.stdout

    # and a damaged file in the restored archive is found
    victim = Interchange.objects.filter(direction="in", state="processed").first()
    (restored / "edi" / victim.archive_path).write_bytes(b"tampered")
    check = subprocess.run([sys.executable, "manage.py", "verify_archive", "--compare", str(backup / "manifest.json")],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1
    assert f"#{victim.pk}: SHA-256" in check.stderr


def test_restore_refuses_a_damaged_backup(transactional_db, hub, tmp_path, restore_db):
    backup = tmp_path / "backup"
    call_command("backup", to=backup)
    with open(backup / "edi.tar", "ab") as fh:
        fh.write(b"\0garbage")
    env = {**os.environ, "DATABASE_URL": restore_db, "PYTHON": sys.executable, "EDI_ROOT": str(tmp_path / "r")}
    result = subprocess.run(["bash", str(ROOT / "deploy" / "restore.sh"), str(backup)], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "edi.tar: FAILED" in result.stdout + result.stderr
