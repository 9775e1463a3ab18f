"""Asynchronous MDNs we owe our partners: spooled on disk, delivered by a task, swept up when lost."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path

from edi.files import hub_paths, write_atomic
from edi.models import Interchange
from edi.transports import as2

log = logging.getLogger(__name__)
State = Interchange.State


def spool_dir() -> Path:
    """Where async MDNs wait for delivery (under the file-drop root, so they survive restarts)."""
    path = hub_paths().drop_root / ".as2-spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _mdn_spool() -> Path:
    path = spool_dir() / "mdn"
    path.mkdir(exist_ok=True)
    return path


def spool_async_mdn(*, url: str, headers: dict[str, str], body: bytes) -> Path:
    """Keep an MDN for ``url`` on disk, then queue its delivery (``edi run-once`` and the sweeper
    deliver whatever a lost task left behind)."""
    from edi.tasks import deliver_async_mdn

    folder = _mdn_spool()
    fd, name = tempfile.mkstemp(prefix="mdn-", suffix=".bin", dir=folder)
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
    meta = Path(name).with_suffix(".json")
    write_atomic(meta, json.dumps({"url": url, "headers": headers, "body": name}).encode(), fsync=False)
    try:
        deliver_async_mdn.delay(url, headers, name)
    except Exception:  # noqa: BLE001 - the broker is down: the spool keeps it for the next pass
        log.warning("could not queue the async MDN to %s; it stays spooled for the sweeper", url)
        os.utime(meta, (0, 0))  # no task owns it: the sweeper's next pass takes it at once
    return meta


def deliver_async_mdn(*, url: str, headers: dict[str, str], body_path: str) -> bool:
    """POST a spooled MDN to the partner's Receipt-Delivery-Option URL (retried by the task).

    Returns False when there was nothing left to send (delivered already).
    """
    from edi.services.outbound import TransientSendError

    path = Path(body_path)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return False
    try:
        status, _h, _b = as2.post(url, headers, body, timeout=30)
    except as2.TransportError as exc:
        raise TransientSendError(f"async MDN to {url}: {exc}") from exc
    if status >= 500 or status in (408, 429):
        raise TransientSendError(f"async MDN to {url}: HTTP {status}")
    if status >= 400:
        log.warning("async MDN to %s refused with HTTP %s; not sent again", url, status)
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)
    return True


SPOOL_GRACE_SECONDS = 3600  # longer than a delivery task's retries with backoff (about 21 minutes)


def deliver_spooled_mdns(*, older_than: float | None = None, limit: int | None = None) -> int:
    """Deliver async MDNs still waiting in the spool; returns how many went out.

    ``edi run-once`` delivers them all. The beat sweeper (``resume_stalled``) passes
    ``older_than``: only entries no task can still be working on (the task gave up, or could not
    be queued) are taken, so an MDN is not sent twice while its task is still retrying.
    """
    done = 0
    folder = spool_dir() / "mdn"
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than if older_than is not None else None
    for meta in sorted(folder.glob("*.json")):
        if limit is not None and done >= limit:
            break
        try:
            if cutoff is not None and meta.stat().st_mtime > cutoff:
                continue
            info = json.loads(meta.read_text())
            sent = deliver_async_mdn(url=info["url"], headers=info["headers"], body_path=info["body"])
        except FileNotFoundError:
            continue  # the task delivered it meanwhile
        except Exception:  # stays spooled for the next pass
            log.warning("async MDN %s still undeliverable", meta.name, exc_info=True)
            continue
        meta.unlink(missing_ok=True)
        done += int(sent)
    return done
