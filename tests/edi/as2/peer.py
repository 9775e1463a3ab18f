"""Helpers to test an AS2 endpoint against the independent openssl peer (shared/as2-peer).

Reusable outside these tests (the Django endpoint gets the same suite): generate keys, run
``as2peer.sh send`` / ``suite`` and read its verdicts, run ``capture_server.py`` as a
receiving partner, and a minimal stdlib AS2 server built on ``edi.transports.as2``.

Everything listens on 127.0.0.1 and writes below the directory it is given.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edi.transports.as2 import (
    DUPLICATE,
    AS2DispositionError,
    AS2RequestRejected,
    InboundResult,
    build_mdn,
    load_cert,
    load_key,
    parse_inbound,
    post,
)

REPO = Path(__file__).resolve().parents[3]
PEER_DIR = Path(os.environ.get("AS2PEER_DIR", REPO.parent / "shared" / "as2-peer"))
AS2PEER = PEER_DIR / "as2peer.sh"


def peer_available() -> str | None:
    """None when the peer can run here, else the reason it cannot."""
    if not AS2PEER.exists():
        return f"as2 peer not found at {PEER_DIR} (set AS2PEER_DIR)"
    for tool in ("openssl", "curl", "bash"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- keys
@dataclass(frozen=True)
class Identity:
    as2_id: str
    key_path: Path
    cert_path: Path

    @property
    def key(self) -> Any:
        return load_key(self.key_path)

    @property
    def cert(self) -> Any:
        return load_cert(self.cert_path)


def genkey_peer(directory: Path, as2_id: str, cn: str | None = None) -> Identity:
    """A key pair made by the peer itself (``as2peer.sh genkey``)."""
    directory.mkdir(parents=True, exist_ok=True)
    key, cert = directory / f"{as2_id}.key", directory / f"{as2_id}.crt"
    subprocess.run(
        ["bash", str(AS2PEER), "genkey", "--key", str(key), "--cert", str(cert), "--cn", cn or as2_id],
        check=True, capture_output=True, timeout=60,
    )
    return Identity(as2_id, key, cert)


def genkey_ours(directory: Path, as2_id: str, cn: str | None = None, days: int = 365) -> Identity:
    """Our side's key pair, made with ``openssl req`` as an operator would."""
    directory.mkdir(parents=True, exist_ok=True)
    key, cert = directory / f"{as2_id}.key", directory / f"{as2_id}.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", str(days),
         "-subj", f"/CN={cn or as2_id}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return Identity(as2_id, key, cert)


# ---------------------------------------------------------------- running the peer
def peer_env(runs_dir: Path) -> dict[str, str]:
    runs_dir.mkdir(parents=True, exist_ok=True)
    return dict(os.environ, AS2PEER_RUNS=str(runs_dir), TMPDIR=str(runs_dir))


def run_send(args: Sequence[str], *, runs_dir: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """``as2peer.sh send ARGS``; rc 0 = expectation met, 1 = not met, 2 = usage/tool error."""
    return subprocess.run(
        ["bash", str(AS2PEER), "send", *args], capture_output=True, text=True,
        env=peer_env(runs_dir), timeout=timeout, stdin=subprocess.DEVNULL,
    )


@dataclass
class SuiteResult:
    returncode: int
    cases: dict[str, str]  # case id -> 'PASS' | 'FAIL' | 'INFO'
    lines: dict[str, str]  # case id -> summary line
    output: str
    root: Path | None

    def why(self, case: str) -> str:
        """The peer's RESULT line and summary for one case, for assertion messages."""
        if self.root and (self.root / case / "summary.txt").exists():
            return (self.root / case / "summary.txt").read_text()
        return self.lines.get(case, "")


def run_suite(
    *,
    url: str,
    to: str,
    sender: Identity,
    receiver_cert: Path,
    payload: Path,
    runs_dir: Path,
    extra: Sequence[str] = (),
    timeout: float = 600,
) -> SuiteResult:
    """``as2peer.sh suite`` against ``url``; returns each case's verdict."""
    proc = subprocess.run(
        ["bash", str(AS2PEER), "suite", "--url", url, "--to", to, "--from", sender.as2_id,
         "--rcv-cert", str(receiver_cert), "--key", str(sender.key_path), "--cert", str(sender.cert_path),
         "--payload", str(payload), *extra],
        capture_output=True, text=True, env=peer_env(runs_dir), timeout=timeout, stdin=subprocess.DEVNULL,
    )
    cases, lines = {}, {}
    out = proc.stdout + proc.stderr
    for line in out.splitlines():
        m = re.match(r"^(PASS|FAIL|INFO)\s+(\S+)\s+(.*)$", line)
        if m:
            cases[m.group(2)] = m.group(1)
            lines[m.group(2)] = line
    m = re.search(r"SUITE SUMMARY \((.*?)\)", out)
    return SuiteResult(proc.returncode, cases, lines, out, Path(m.group(1)) if m else None)


# ---------------------------------------------------------------- a minimal AS2 server
@dataclass
class Station:
    """What the little server knows: who we are, our keys, our partners."""

    as2_id: str
    keys: Sequence[Identity]  # ours; the first one signs MDNs, all are tried to decrypt
    partners: dict[str, Any]  # AS2-From -> partner profile (edi.transports.as2.Partner)
    inbox: Path
    seen: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    log: list = field(default_factory=list)

    def resolve_partner(self, as2_from: str, as2_to: str) -> Any:
        return self.partners.get(as2_from) if as2_to == self.as2_id else None


def handle_as2_post(station: Station, headers: Any, body_path: str) -> tuple[int, dict[str, str], bytes, Callable | None]:
    """The whole receive flow a web view needs: (status, headers, body, after_response)."""
    keys = [k.key for k in station.keys]
    certs = [k.cert for k in station.keys]
    try:
        result: InboundResult | AS2DispositionError = parse_inbound(
            headers, body_path, resolve_partner=station.resolve_partner, our_key=keys, our_cert=certs
        )
    except AS2RequestRejected as e:
        station.log.append(("rejected", type(e).__name__, str(e)))
        return e.http_status, {"Content-Type": "text/plain"}, f"{e}\n".encode(), None
    except AS2DispositionError as e:
        station.log.append(("error", e.modifier, str(e)))
        result = e
    disposition = None
    if isinstance(result, InboundResult):
        with station.lock:
            key = (result.request.as2_from, result.message_id)
            duplicate = key in station.seen
            station.seen.add(key)
            if duplicate:
                disposition = DUPLICATE
            else:
                n = len(list(station.inbox.iterdir()))
                result.payload.save(station.inbox / f"{n:06d}-{result.payload.safe_filename or 'payload'}")
        station.log.append(("processed", result.message_id, result.layers))
    request = result.request
    if request.mdn_mode == "none":
        return 200, {"Content-Type": "text/plain"}, b"AS2 message received\n", None
    mdn = build_mdn(result, our_key=station.keys[0].key, our_cert=station.keys[0].cert, disposition=disposition)
    if request.mdn_mode == "sync":
        return 200, mdn.headers, mdn.body, None

    def deliver_async() -> None:
        try:
            status, _, _ = post(request.mdn_async_url, mdn.headers, mdn.body, timeout=30)
            station.log.append(("async-mdn", request.mdn_async_url, status))
        except Exception as e:  # noqa: BLE001 - a test server logs and carries on
            station.log.append(("async-mdn-failed", request.mdn_async_url, repr(e)))

    return 200, {"Content-Type": "text/plain"}, b"AS2 message received; the MDN follows asynchronously\n", deliver_async


@contextmanager
def as2_server(station: Station, *, spool_dir: Path | None = None, max_bytes: int = 256 << 20) -> Iterator[str]:
    """Serve ``station`` on 127.0.0.1:<free port>; yields the URL to POST to."""
    station.inbox.mkdir(parents=True, exist_ok=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:
            pass

        def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or -1)
            if length < 0:
                return self.reply(411, {"Content-Type": "text/plain"}, b"Content-Length required\n")
            if length > max_bytes:
                self.close_connection = True
                return self.reply(413, {"Content-Type": "text/plain"}, b"too large\n")
            # spool the body to a file, as a web server does with big uploads
            with tempfile.NamedTemporaryFile(dir=spool_dir, prefix="as2-in-") as f:
                left = length
                while left:
                    chunk = self.rfile.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    f.write(chunk)
                    left -= len(chunk)
                f.flush()
                try:
                    status, headers, body, after = handle_as2_post(station, self.headers, f.name)
                except Exception as e:  # a bug: say so without leaking a trace
                    station.log.append(("crash", repr(e)))
                    return self.reply(500, {"Content-Type": "text/plain"}, b"internal error\n")
            self.reply(status, headers, body)
            if after:
                threading.Thread(target=after, daemon=True).start()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/as2"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- the capture receiver
@contextmanager
def capture_server(
    directory: Path, *, receiver: Identity, sender_cert: Path, fault: str = "none", timeout: float = 300
) -> Iterator[str]:
    """Run shared/as2-peer/capture_server.py (an openssl-only receiving partner)."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(
        ["python3", str(PEER_DIR / "capture_server.py"), "--port", str(port), "--dir", str(directory),
         "--key", str(receiver.key_path), "--cert", str(receiver.cert_path), "--sender-cert", str(sender_cert),
         "--as2-id", receiver.as2_id, "--fault", fault, "--timeout", str(timeout)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=peer_env(directory / "runs"),
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while not (directory / "server.pid").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"capture_server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
            time.sleep(0.05)
        _wait_listening(port)
        yield f"http://127.0.0.1:{port}/as2"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def _wait_listening(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def read_verdict(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        k, sep, v = line.partition("=")
        if sep:
            out.setdefault(k, v)
    return out


@contextmanager
def mdn_listener() -> Iterator[tuple[str, list]]:
    """A 127.0.0.1 endpoint for async MDNs; yields (url, received) with (headers, body) items."""
    received: list = []
    arrived = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((dict(self.headers.items()), body))
            arrived.set()
            msg = b"MDN received\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/mdn", received
    finally:
        server.shutdown()
        server.server_close()


def wait_for(predicate: Callable[[], bool], timeout: float = 30, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()
