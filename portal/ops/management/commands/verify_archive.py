"""``manage.py verify_archive``: every archived interchange's bytes are there and hash right.

Used after a restore (docs/operations.md): recomputes each archive file's SHA-256 against the
database, and prints (or writes with ``--manifest``) counts per table, so a restore can be
compared with the manifest taken at backup time (``--compare``). Exit status 1 on any mismatch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from edi.files import sha256_of
from edi.models import Interchange
from edi.services.inbound import archive_path_of

COUNTED = ["suppliers.Supplier", "suppliers.PurchaseOrder", "suppliers.DespatchAdvice", "suppliers.GoodsReceipt",
           "suppliers.Event", "edi.TradingPartner", "edi.Interchange", "edi.InterchangeMessage", "ops.LegalHold"]


def build_manifest() -> dict:
    counts = {}
    for label in COUNTED:
        try:
            counts[label] = apps.get_model(label).objects.count()
        except LookupError:
            continue
    hashes = dict(Interchange.objects.exclude(archive_path="").order_by("pk").values_list("pk", "sha256"))
    return {"counts": counts, "archive": {str(k): v for k, v in hashes.items()}}


class Command(BaseCommand):
    help = "Check every archived interchange's SHA-256 and count the records; compare with a backup manifest."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", type=Path, help="write the counts and hashes to this JSON file")
        parser.add_argument("--compare", type=Path, help="compare with a manifest written at backup time")

    def handle(self, *args, manifest: Path | None, compare: Path | None, **options):
        problems: list[str] = []
        checked = 0
        for interchange in Interchange.objects.exclude(archive_path="").only("pk", "archive_path", "sha256", "size") \
                .order_by("pk").iterator(chunk_size=500):
            path = archive_path_of(interchange)
            if not path.is_file():
                problems.append(f"#{interchange.pk}: archive file missing: {interchange.archive_path}")
                continue
            digest, size = sha256_of(path)
            checked += 1
            if interchange.sha256 and digest != interchange.sha256:
                problems.append(f"#{interchange.pk}: SHA-256 {digest} differs from the recorded {interchange.sha256}")
            elif interchange.size and size != interchange.size:
                problems.append(f"#{interchange.pk}: {size} bytes, {interchange.size} recorded")
        current = build_manifest()
        for label, n in current["counts"].items():
            self.stdout.write(f"{label}: {n}")
        self.stdout.write(f"archive files checked: {checked}")
        if manifest:
            manifest.write_text(json.dumps(current, indent=1, sort_keys=True))
        if compare:
            try:
                expected = json.loads(compare.read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {compare}: {exc}") from exc
            for label, n in expected.get("counts", {}).items():
                if current["counts"].get(label) != n:
                    problems.append(f"{label}: {current['counts'].get(label)} rows, {n} at backup time")
            if expected.get("archive", {}) != current["archive"]:
                missing = set(expected.get("archive", {})) - set(current["archive"])
                changed = {k for k in expected.get("archive", {}) if current["archive"].get(k) not in (None, expected["archive"][k])}
                problems.append(f"archive hashes differ: {len(missing)} missing, {len(changed)} changed")
        for line in problems:
            self.stderr.write(line)
        if problems:
            self.stderr.write(self.style.ERROR(f"{len(problems)} problem(s)"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("archive and counts verified"))
