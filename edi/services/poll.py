"""Pollers: partner drop folders and the ERP inbox; and the sweeper that resumes stalled work.

``edi run-once`` calls :func:`run_once`, which runs every poller and then the whole pipeline
synchronously with the same services the Celery tasks call.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

from django.conf import settings
from django.utils import timezone

from edi.files import hub_paths
from edi.models import Interchange, TradingPartner
from edi.services.inbound import interchange_receive_file, recover_claimed

log = logging.getLogger(__name__)
State = Interchange.State


def _complete_files(folder: Path, settle_seconds: float) -> Iterator[Path]:
    """Files ready to pick up: not dot-files, not ``*.tmp``/``*.part``, and not modified for a moment
    (a partner still writing would hand us half a file)."""
    if not folder.is_dir():
        return
    now = time.time()
    for entry in sorted(folder.iterdir()):
        name = entry.name
        if name.startswith(".") or name.endswith((".tmp", ".part", ".filepart")) or not entry.is_file():
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        if now - stat.st_mtime < settle_seconds:
            continue
        yield entry


def poll_folders(*, settle_seconds: float | None = None) -> dict[str, int]:
    """Claim every complete file in partner ``in`` folders and the ERP inbox."""
    settle = settings.EDI_FILEDROP_SETTLE_SECONDS if settle_seconds is None else settle_seconds
    paths = hub_paths()
    received = 0
    for partner in TradingPartner.objects.filter(is_active=True, transport=TradingPartner.Transport.FILEDROP):
        dirs = paths.partner(partner.code).ensure()
        received += recover_claimed(archive_root=dirs.archive, partner=partner, channel=Interchange.Channel.FILEDROP)
        for path in _complete_files(dirs.inbox, settle):
            if interchange_receive_file(source=path, partner=partner, channel=Interchange.Channel.FILEDROP):
                received += 1
    paths.erp_inbox.mkdir(parents=True, exist_ok=True)
    received += recover_claimed(archive_root=paths.erp_inbox / "archive", partner=None, channel=Interchange.Channel.ERP)
    for path in _complete_files(paths.erp_inbox, settle):
        if interchange_receive_file(source=path, partner=None, channel=Interchange.Channel.ERP):
            received += 1
    return {"received": received}


def resume_stalled(*, older_than: timedelta = timedelta(minutes=2)) -> dict[str, int]:
    """Queue again what should be moving but is not: its task was lost, or never sent."""
    from edi.tasks import process_interchange, send_interchange

    cutoff = timezone.now() - older_than
    inbound = list(Interchange.objects.filter(
        direction="in", state__in=[State.ARCHIVED, State.PARSED, State.ACKNOWLEDGED], updated_at__lt=cutoff,
    ).values_list("pk", flat=True)[:1000])
    outbound = list(Interchange.objects.filter(
        direction="out", state=State.QUEUED, updated_at__lt=cutoff,
    ).values_list("pk", flat=True)[:1000])
    for pk in inbound:
        process_interchange.delay(pk)
    for pk in outbound:
        send_interchange.delay(pk)
    return {"inbound": len(inbound), "outbound": len(outbound)}


def run_once() -> dict[str, int]:
    """One synchronous pass of everything: pollers, inbound pipeline, outbound sends, async MDNs.

    Tasks queued along the way run inline (Celery's eager mode for the duration), so this is the
    same code path as the workers, for cron users and tests.
    """
    from edi.services import as2 as as2_service
    from edi.services.inbound import interchange_process
    from edi.services.outbound import interchange_send
    from portal.celery import app

    eager, propagate = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    try:
        stats = poll_folders(settle_seconds=0)
        processed = sent = 0
        for pk in Interchange.objects.filter(direction="in", state__in=[State.ARCHIVED, State.PARSED, State.ACKNOWLEDGED]) \
                .order_by("pk").values_list("pk", flat=True):
            interchange_process(interchange_id=pk)
            processed += 1
        for pk in Interchange.objects.filter(direction="out", state=State.QUEUED).order_by("pk").values_list("pk", flat=True):
            try:
                interchange_send(interchange_id=pk)
            except Exception as exc:  # noqa: BLE001 - recorded on the interchange, the pass goes on
                from edi.services.outbound import send_failed

                send_failed(interchange_id=pk, error=f"{type(exc).__name__}: {exc}")
            sent += 1
        mdns = as2_service.deliver_spooled_mdns()
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagate
    return {**stats, "processed": processed, "sent": sent, "async_mdns": mdns}
