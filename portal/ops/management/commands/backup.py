"""``manage.py backup --to DIR``: a consistent backup of the database, the EDI archive and media.

1. A ``REPEATABLE READ`` transaction exports its snapshot; ``pg_dump --snapshot`` dumps exactly
   that state, and the manifest (row counts, every archived interchange's SHA-256) is read in
   the same transaction, so dump and manifest describe the same moment while the system runs.
2. Then the file trees are copied (tar): the EDI file-drop root with its archive, the ERP
   in- and outbox, and ``MEDIA_ROOT``. Raw bytes are written before their record commits
   (archive first), so every interchange in the dump has its file in the copy.

``DIR`` gets ``db.dump`` (pg_dump custom format), ``edi.tar``, ``erp-in.tar``, ``erp-out.tar``,
``media.tar``, ``manifest.json`` and ``SHA256SUMS``. Restore with ``deploy/restore.sh``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from portal.ops.management.commands.verify_archive import build_manifest


def libpq_env() -> dict[str, str]:
    """PG* variables for pg_dump / pg_restore from the Django database settings."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or ""),
           "PGUSER": db.get("USER") or ""}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {k: v for k, v in env.items() if v != ""}


def file_trees() -> dict[str, Path]:
    from edi.files import hub_paths

    paths = hub_paths()
    return {"edi": paths.drop_root, "erp-in": paths.erp_inbox, "erp-out": paths.erp_outbox,
            "media": Path(settings.MEDIA_ROOT)}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Back up the database (pg_dump), the EDI archive, ERP folders and media, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, required=True, help="an empty or new folder")

    def handle(self, *args, to: Path, **options):
        if connection.vendor != "postgresql":
            raise CommandError("backup needs PostgreSQL (pg_dump)")
        to.mkdir(parents=True, exist_ok=True)
        if any(to.iterdir()):
            raise CommandError(f"{to} is not empty")
        trees = file_trees()  # before the read-only transaction: this may create the hub settings row
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 f"--file={to / 'db.dump'}"], env=libpq_env(), capture_output=True, text=True)
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
            manifest = build_manifest()
        for name, root in trees.items():
            with tarfile.open(to / f"{name}.tar", "w") as tar:
                if root.is_dir():
                    tar.add(root, arcname=".")
        manifest["trees"] = {name: str(root) for name, root in trees.items()}
        (to / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        sums = [f"{sha256_file(p)}  {p.name}" for p in sorted(to.iterdir()) if p.name != "SHA256SUMS"]
        (to / "SHA256SUMS").write_text("\n".join(sums) + "\n")
        counts = ", ".join(f"{k.split('.')[-1]} {v}" for k, v in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"backup written to {to}: {counts}; "
                                             f"{len(manifest['archive'])} archived interchanges"))
