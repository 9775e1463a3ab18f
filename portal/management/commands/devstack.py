"""Run web server, Celery worker and Celery beat together for development (``make run``).

Ctrl-C (or SIGTERM) stops all three. If one of them dies, the others are stopped too, so a
broken worker is never silently missing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and Celery beat; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, port: str, host: str, **options):
        python = sys.executable
        var = settings.VAR_DIR / "celery"
        var.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "portal", "worker", "--loglevel=INFO", "--concurrency=2",
                       "--hostname=devstack@%h"],
            "beat": [python, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO",
                     f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}", f"--pidfile={var / 'beat.pid'}"],
        }
        procs: dict[str, subprocess.Popen] = {}
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        (var / "beat.pid").unlink(missing_ok=True)
        for name, cmd in commands.items():
            procs[name] = subprocess.Popen(cmd, start_new_session=True)
        db = settings.DATABASES["default"]
        self.stdout.write(self.style.SUCCESS(
            f"\nTsunagi is running: http://{host}:{port}/  (buyer console: http://{host}:{port}/console/)\n"
            f"  database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}\n"
            f"  broker:   {settings.CELERY_BROKER_URL}\n"
            "  logins (password tsunagi-demo-2026): buyer@tsunagi.example, admin@tsunagi.example,\n"
            "    sakura@supplier.example, lumen@supplier.example, prpcb@supplier.example\n"
            "  Ctrl-C stops web, worker and beat.\n"
        ))
        exit_code = 0
        try:
            while not stopping:
                for name, proc in procs.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with code {proc.returncode}; stopping the others.")
                        exit_code = proc.returncode or 1
                        stopping = True
                        break
                time.sleep(0.5)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    # The leader only: a Celery worker then stops its own pool children cleanly.
                    proc.terminate()
            deadline = time.monotonic() + 15
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
            self.stdout.write("Stopped web, worker and beat.")
        sys.exit(exit_code)
