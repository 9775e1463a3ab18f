"""The real web stack for the AS2 tests: gunicorn serving this project on a free port against the
test database, with a hub key pair and AS2 partners, plus helpers to build and post messages.

The tests that use it need ``transactional_db``: gunicorn is another process and only sees
committed rows.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent / "as2"))

import peer  # noqa: E402 - from the folder put on the path above

SAMPLE = peer.PEER_DIR / "samples" / "po850.x12"
HUB_AS2_ID = "TSUNAGI"


@dataclass
class Gunicorn:
    proc: subprocess.Popen
    port: int
    log: Path
    env: dict[str, str]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/as2/"

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False).stdout
        return [int(p) for p in out.split()]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def server_errors(self) -> list[str]:
        """Access-log lines with a 5xx status (the access log format puts the status third)."""
        return [line for line in self.log_text().splitlines() if re.match(r"^ACCESS \S+ \S+ 5\d\d ", line)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def database_url() -> str:
    from tests.worker import test_database_url

    return test_database_url()


def server_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a process that must share the test database with the test."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TSUNAGI_VAR_DIR": str(var_dir),
        # tasks queued by the web process land in a folder nobody reads; `edi run-once` (or the
        # test itself) runs the pipeline from the recorded state instead
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_RESULT_BACKEND": f"file://{var_dir / 'results'}",
        "SECRET_KEY": "as2-live-test-" + "k" * 50,
        "DEBUG": "0",
        "LOG_LEVEL": "INFO",
        "CONN_MAX_AGE": "0",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    for name in ("CELERY_QUEUE_PREFIX", "CELERY_TASK_DEFAULT_QUEUE"):
        env.pop(name, None)
    return env


def start_gunicorn(tmp: Path, *, workers: int = 1, threads: int = 4, timeout: int = 300,
                   extra_env: dict[str, str] | None = None) -> Gunicorn:
    port = peer.free_port()
    log = tmp / "gunicorn.log"
    env = server_env(tmp / "var", **(extra_env or {}))
    with open(log, "ab") as out:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--threads", str(threads), "--timeout", str(timeout),
             "--access-logfile", "-", "--access-logformat", 'ACCESS %(m)s %(U)s %(s)s %(b)s %(L)s',
             "--error-logfile", "-"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = Gunicorn(proc, port, log, env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.log_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer: {server.log_text()[-3000:]}")


def post(url: str, headers: dict[str, str], body: bytes | Path, *, timeout: float = 300,
         chunked: bool = False) -> tuple[int, dict[str, str], bytes]:
    """POST bytes or a file (streamed from disk), as an AS2 sender does; never follows redirects."""
    host, _, rest = url.removeprefix("http://").partition("/")
    name, _, port = host.partition(":")
    conn = http.client.HTTPConnection(name, int(port or 80), timeout=timeout)
    try:
        hdrs = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        if isinstance(body, Path):
            with open(body, "rb") as fh:
                if chunked:
                    conn.request("POST", "/" + rest, body=_chunks(fh), headers=hdrs, encode_chunked=True)
                else:
                    hdrs["Content-Length"] = str(body.stat().st_size)
                    conn.request("POST", "/" + rest, body=fh, headers=hdrs)
        else:
            hdrs["Content-Length"] = str(len(body))
            conn.request("POST", "/" + rest, body=body, headers=hdrs)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def _chunks(fh: Any, size: int = 1 << 20):
    while chunk := fh.read(size):
        yield chunk


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
    if proc.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {proc.stdout}\n{proc.stderr}")
    return proc.stdout


# --- keys and the hub ---------------------------------------------------------------------------------

@dataclass
class As2Keys:
    hub: Any  # peer.Identity
    peer: Any
    peer_next: Any
    capture: Any
    stranger: Any
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(scope="session")
def as2_ids(tmp_path_factory) -> As2Keys:
    """Our key pair (``openssl req``) and the partners' (made by the openssl peer itself)."""
    reason = peer.peer_available()
    if reason:
        pytest.skip(reason)
    d = tmp_path_factory.mktemp("as2-live-keys")
    return As2Keys(
        hub=peer.genkey_ours(d, HUB_AS2_ID),
        peer=peer.genkey_peer(d, "PEER"),
        peer_next=peer.genkey_peer(d, "PEER_NEXT", cn="PEER"),
        capture=peer.genkey_peer(d, "CAPTURE"),
        stranger=peer.genkey_ours(d, "STRANGER"),
    )


def configure_hub(hub_row: Any, keys: As2Keys) -> None:
    hub_row.as2_id = HUB_AS2_ID
    hub_row.as2_key_path = str(keys.hub.key_path)
    hub_row.as2_cert_path = str(keys.hub.cert_path)
    hub_row.save()


def as2_partner(tenant: Any, *, code: str, as2_id: str, cert_path: Path, url: str = "http://127.0.0.1:9/as2",
                standard: str = "x12", interchange_id: str | None = None, next_cert_path: Path | None = None,
                **extra: Any) -> Any:
    from tests.edi.conftest import make_partner

    return make_partner(
        tenant, code=code, standard=standard, interchange_id=interchange_id or code.replace("-", ""),
        transport="as2", as2_id=as2_id, as2_url=url, as2_certificate=Path(cert_path).read_text(),
        as2_next_certificate=Path(next_cert_path).read_text() if next_cert_path else "", **extra,
    )


def build_message(keys: As2Keys, payload: bytes, *, sender: Any = None, message_id: str | None = None,
                  as2_from: str = "PEER", filename: str = "asn.x12", **options: Any) -> Any:
    """A signed and encrypted message from a partner to the hub, built with our library."""
    from edi.transports import as2

    sender = sender or keys.peer
    return as2.build_outbound(payload, as2_from=as2_from, as2_to=HUB_AS2_ID, our_key=sender.key,
                              our_cert=sender.cert, partner_cert=keys.hub.cert, filename=filename,
                              message_id=message_id, **options)


def send(message: Any, *, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """POST an OutboundMessage to ``/as2/`` in process (Django's test client); returns
    (status, headers, body) like :func:`post`."""
    from django.test import Client

    hdrs = {**message.headers, **(headers or {})}
    ctype = hdrs.pop("Content-Type")
    response = Client().generic("POST", "/as2/", data=message.body, content_type=ctype, headers=hdrs)
    return response.status_code, dict(response.headers), response.content


def check_mdn(keys: As2Keys, message: Any, status: int, headers: dict[str, str], body: bytes) -> Any:
    from edi.transports import as2

    return as2.parse_mdn(headers, body, status=status, partner_certs=[keys.hub.cert],
                         expected_message_id=message.message_id, expected_mic=message.mic,
                         expected_mic_alg=message.mic_alg)


def rss_kib(pid: int) -> dict[str, int]:
    """RssAnon (heap), RssFile and VmHWM of a process, in KiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile", "VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


def wait_listening(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")
