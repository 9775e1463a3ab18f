"""``python manage.py edi <command>``: translate, validate, load-config, run-once."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "EDI hub tools: translate, validate, load-config, run-once (see docs/partners.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tr = sub.add_parser("translate", help="Translate a file (X12, EDIFACT, canonical JSON, IDoc) to another form.")
        tr.add_argument("input", help="a file, or - for standard input")
        tr.add_argument("--to", choices=["json", "x12", "edifact", "idoc"], default="json")
        tr.add_argument("--sender", default="TSUNAGI")
        tr.add_argument("--receiver", default="PARTNER")
        tr.add_argument("--control-number", default="1")
        va = sub.add_parser("validate", help="Print the errors and the acknowledgement that would be sent.")
        va.add_argument("input")
        lc = sub.add_parser("load-config", help="Upsert the hub and trading partners from a TOML file.")
        lc.add_argument("file")
        sub.add_parser("run-once", help="One synchronous pass of every poller, the pipeline and pending sends.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "load-config":
            return self._load_config(Path(options["file"]))
        if action == "run-once":
            from edi.services.poll import run_once

            stats = run_once()
            self.stdout.write(" ".join(f"{k}={v}" for k, v in stats.items()))
            return None
        from edi.cli import translate, validate

        stream = _open(options["input"])
        try:
            if action == "translate":
                code = translate(stream, to=options["to"], sender=options["sender"], receiver=options["receiver"],
                                 control_number=options["control_number"], out=sys.stdout.buffer, err=sys.stderr)
            else:
                code = validate(stream, out=sys.stdout.buffer, err=sys.stderr)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        if code:
            sys.exit(code)
        return None

    def _load_config(self, path: Path) -> None:
        from edi.services.config import ConfigError, load_config

        try:
            report = load_config(path)
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({
            "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "suppliers_created": report.suppliers_created,
        }))


def _open(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    try:
        return open(name, "rb")
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}") from exc
