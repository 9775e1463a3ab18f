"""``python manage.py edi <command>``: translate, validate, load-config, run-once."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    # translate and validate need no database and must start fast; the system checks (which
    # import every URL module) are for the server, not for a file translator
    requires_system_checks: ClassVar[list[str]] = []
    help = "EDI hub tools: translate, validate, load-config, run-once (see docs/partners.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tr = sub.add_parser("translate", help="Translate a file (X12, EDIFACT, canonical JSON, IDoc) to another form.")
        tr.add_argument("input", help="a file, or - for standard input")
        tr.add_argument("--to", choices=["json", "x12", "edifact", "idoc"], default="json")
        tr.add_argument("--sender", default=None,
                        help="interchange sender id of the output (default: the input's sender)")
        tr.add_argument("--receiver", default=None,
                        help="interchange recipient id of the output (default: the input's receiver)")
        tr.add_argument("--control-number", default="1", help="interchange control number of the output")
        va = sub.add_parser("validate", help="Print the errors and the acknowledgement that would be sent.")
        va.add_argument("input", help="a file, or - for standard input")
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
        return self._translate_or_validate(action, options)

    def _translate_or_validate(self, action: str, options: dict[str, Any]) -> None:
        """Exit status and output as documented in edi/cli.py and docs/edi.md."""
        from edi.cli import run

        extra = {}
        if action == "translate":
            extra = {"to": options["to"], "sender": options["sender"], "receiver": options["receiver"],
                     "control_number": options["control_number"]}
        try:
            code = run(action, options["input"], out=sys.stdout.buffer, err=sys.stderr, **extra)
            sys.stdout.flush()
        except BrokenPipeError:
            # the reader of our output went away (| head): stop quietly, as Unix tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = 1
        if code:
            sys.exit(code)

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
