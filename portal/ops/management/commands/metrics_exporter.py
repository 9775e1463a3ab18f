"""``manage.py metrics_exporter``: serve this host's worker metrics (``PROMETHEUS_MULTIPROC_DIR``).

For a host that runs Celery workers but no web process. The web's ``/metrics`` already includes
the database and queue figures; this serves only what the local processes observed.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the metrics observed by this host's processes (PROMETHEUS_MULTIPROC_DIR) over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=9108)
        parser.add_argument("--addr", default="127.0.0.1")

    def handle(self, *args, port: int, addr: str, **options):
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            raise CommandError("set PROMETHEUS_MULTIPROC_DIR to the folder the workers on this host write to")
        from prometheus_client import CollectorRegistry, multiprocess, start_http_server

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(port, addr=addr, registry=registry)
        self.stdout.write(f"serving worker metrics on http://{addr}:{port}/metrics")
        while True:
            time.sleep(3600)
