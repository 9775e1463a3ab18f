"""``POST /as2/``: receive into the inbound pipeline and answer with an MDN.

Receive guarantees (docs/decisions.md, "AS2 receive: stored before the MDN, processed once"):

* the payload is on disk (fsynced) and its interchange row is committed *before* any positive
  MDN leaves, and the MDN is built and signed before that commit: a failure anywhere up to the
  commit deletes the archived copy, inserts nothing and answers 503 (the sender retries later);
  nothing of that request is processed;
* a Message-ID is stored at most once: a partial unique index on inbound AS2 Message-IDs makes
  the second insert fail at the database, even between two concurrent requests; the resend is
  recorded as a duplicate and answered ``processed/warning: duplicate-document``;
* processing is queued only after the commit (``transaction.on_commit``), so a rolled-back
  receive is never processed, and a lost queue message is found again by ``resume_stalled``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from edi.files import HubPaths, _fsync_dir, _resolve
from edi.models import HubSettings, Interchange, TradingPartner
from edi.services.as2.base import TEXT, HttpAnswer
from edi.services.as2.keys import HubKeys, Profile, hub_keys, receiving_hub, resolve_partner
from edi.services.as2.mdns import spool_async_mdn
from edi.services.inbound import (
    PipelineError,
    _archive_target,
    _record_archived,
    _relative,
    interchange_fail,
)
from edi.transports import as2
from suppliers.audit import Actor, event_record

log = logging.getLogger(__name__)
State = Interchange.State


class StoreFailed(Exception):
    """The payload could not be stored; nothing of the request was kept."""


MESSAGE_ID_INDEX = "interchange_unique_inbound_as2_message_id"


def body_spool_dir() -> Path:
    """Where request bodies (and their decrypted layers past 8 MiB) are spooled while they are
    read: a disk folder, not the in-memory body Django would cap at 2.5 MB. No database access,
    so a request costs nothing before its headers are checked."""
    path = Path(settings.VAR_DIR) / "as2-spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(hub: HubSettings) -> HubPaths:
    return HubPaths(_resolve(hub.drop_root), _resolve(hub.erp_outbox), _resolve(hub.erp_inbox))


def _unavailable(text: str) -> HttpAnswer:
    return HttpAnswer(503, {**TEXT, "Retry-After": "60"}, text.encode())


def as2_receive(headers: Mapping[str, str], body_path: Path) -> HttpAnswer:
    """Receive one AS2 POST whose body is already on disk. Never raises for bad input.

    Garbage, missing headers and unknown partners get a 4xx; a message that fails a security
    step gets an error MDN (and a failed interchange for the console); a good message is stored,
    then acknowledged. When storing fails the answer is 503 and nothing is kept.
    """
    hub = receiving_hub()
    try:
        keys = hub_keys(hub)
    except PipelineError as exc:
        log.error("AS2 receive refused: %s", exc)
        return _unavailable("AS2 is not configured on this hub\n")
    resolved: list[Profile] = []

    def resolve(as2_from: str, as2_to: str) -> Profile | None:
        profile = resolve_partner(as2_from, as2_to, hub=hub, cached=True)
        if profile is not None:
            resolved.append(profile)
        return profile

    try:
        result = as2.parse_inbound(headers, str(body_path), resolve_partner=resolve, our_key=keys.keys,
                                   our_cert=keys.certs, spool_dir=str(body_path.parent))
    except as2.AS2RequestRejected as exc:
        log.warning("AS2 request rejected (%s): %s", type(exc).__name__, exc)
        return HttpAnswer(exc.http_status, TEXT, f"{exc}\n".encode())
    except as2.AS2DispositionError as exc:
        log.warning("AS2 message refused with an error MDN (%s): %s", exc.modifier, exc)
        if resolved:
            _record_refused(resolved[-1].partner, exc)
        return _answer_with_mdn(exc, keys)

    partner = result.partner.partner
    try:
        interchange, mdn = _store(partner, result, keys, _paths(hub))
    except StoreFailed as exc:
        log.error("AS2 message %s from %s not accepted: %s", result.message_id, partner.code, exc)
        return _unavailable("the message could not be stored; send it again later\n")
    log.info("AS2 message %s from %s stored as interchange #%s (%s)", result.message_id, partner.code,
             interchange.pk, interchange.state)
    return _deliver_mdn(result.request, mdn)


def _answer_with_mdn(error: Any, keys: HubKeys) -> HttpAnswer:
    request = error.request
    mdn = None
    if request is not None and request.mdn_mode != "none":
        mdn = as2.build_mdn(error, our_key=keys.key, our_cert=keys.cert)
    return _deliver_mdn(request, mdn)


def _deliver_mdn(request: Any, mdn: as2.Mdn | None) -> HttpAnswer:
    if request is None or mdn is None:
        return HttpAnswer(200, TEXT, b"AS2 message received\n")
    if request.mdn_mode == "sync":
        return HttpAnswer(200, dict(mdn.headers), mdn.body)
    spool_async_mdn(url=request.mdn_async_url, headers=dict(mdn.headers), body=mdn.body)
    return HttpAnswer(200, TEXT, b"AS2 message received; the MDN follows asynchronously\n")


def _store(partner: TradingPartner, result: Any, keys: HubKeys, paths: HubPaths) -> tuple[Interchange, as2.Mdn | None]:
    """Archive the payload, then record it (or its duplicate), all or nothing.

    The MDN is built (signed) before the row's transaction commits, so once the row exists
    nothing but writing the HTTP answer is left to fail, and a failure up to the commit takes
    the archived copy back. The insert runs in a transaction of its own, without a savepoint
    (two round trips fewer per message); a resend fails it at the unique index on inbound
    Message-IDs and is recorded as a duplicate instead.
    """
    name = result.payload.safe_filename or "as2-payload"
    wants_mdn = result.request.mdn_mode != "none"
    try:
        target = _archive_target(partner, name, channel=Interchange.Channel.AS2, paths=paths)
        digest = _archive_payload(result.payload, target)
    except OSError as exc:
        raise StoreFailed(f"could not archive the payload: {exc}") from exc
    try:
        mdn = as2.build_mdn(result, our_key=keys.key, our_cert=keys.cert) if wants_mdn else None
        try:
            interchange = _record_archived(partner=partner, channel=Interchange.Channel.AS2, archived=target,
                                           filename=name, as2_message_id=result.message_id, paths=paths,
                                           sha256=(digest, result.payload.size))
        except IntegrityError as exc:
            if _constraint(exc) != MESSAGE_ID_INDEX:
                raise
            interchange, mdn = _record_duplicate(partner, result, target, digest, keys, paths, wants_mdn)
    except Exception as exc:  # whatever broke, the sender must hear "not accepted"
        if not _maybe_recorded(target, paths):
            target.unlink(missing_ok=True)
        raise StoreFailed(f"{type(exc).__name__}: {exc}") from exc
    return interchange, mdn


def _maybe_recorded(archived: Path, paths: HubPaths) -> bool:
    """After a failure: could a committed row name this file? Only "certainly not" lets the
    caller delete it (the failure may have hit the COMMIT itself, which may have happened)."""
    try:
        return Interchange.objects.filter(archive_path=_relative(archived, paths)).exists()
    except Exception:  # noqa: BLE001 - the database cannot say: keep the file
        return True


def _constraint(exc: IntegrityError) -> str | None:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _archive_payload(payload: Any, target: Path) -> str:
    """Write the payload byte for byte, on disk before the record that names it exists.

    Returns its SHA-256 (hex), computed on the way, so the file is not read again.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as fh:
            for chunk in payload.data.chunks():
                digest.update(chunk)
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
    return digest.hexdigest()


def _record_duplicate(partner: TradingPartner, result: Any, archived: Path, digest: str, keys: HubKeys,
                      paths: HubPaths, wants_mdn: bool) -> tuple[Interchange, as2.Mdn | None]:
    """A Message-ID seen before: kept (raw bytes too) for the record, never processed, and
    answered ``processed/warning: duplicate-document``."""
    original = (Interchange.objects.filter(direction=Interchange.Direction.IN, as2_message_id=result.message_id)
                .exclude(state=State.DUPLICATE).only("pk").first())
    with transaction.atomic():
        dup = Interchange.objects.create(
            direction=Interchange.Direction.IN, channel=Interchange.Channel.AS2, partner=partner,
            state=State.DUPLICATE, as2_message_id=result.message_id, duplicate_of=original,
            size=result.payload.size, sha256=digest, archive_path=_relative(archived, paths),
            filename=(result.payload.safe_filename or "")[:255], standard=partner.standard,
            error=f"AS2 Message-ID {result.message_id} was received before "
                  f"(interchange #{original.pk if original else '?'})",
        )
        event_record(actor=Actor.partner(partner.code), verb="interchange.duplicate", obj=dup,
                     supplier=partner.supplier,
                     payload={"message_id": result.message_id, "original": original.pk if original else None})
        mdn = None
        if wants_mdn:
            mdn = as2.build_mdn(result, our_key=keys.key, our_cert=keys.cert, disposition=as2.DUPLICATE)
    return dup, mdn


def _record_refused(partner: TradingPartner, error: Any) -> None:
    """A message from a known partner that failed a security step: a failed interchange in the
    console (and a note to the EDI administrators), with the reason. Its Message-ID is not
    claimed, so a corrected resend under the same Message-ID is still accepted."""
    request = error.request
    message_id = request.message_id if request is not None else "?"
    try:
        with transaction.atomic():
            refused = Interchange.objects.create(
                direction=Interchange.Direction.IN, channel=Interchange.Channel.AS2, partner=partner,
                state=State.RECEIVED, standard=partner.standard, filename=f"AS2 {message_id}"[:255],
            )
            event_record(actor=Actor.partner(partner.code), verb="interchange.received", obj=refused,
                         supplier=partner.supplier, payload={"channel": "as2", "message_id": message_id})
            interchange_fail(interchange=refused,
                             error=f"AS2 message {message_id} refused ({error.disposition}): {error}")
    except Exception:  # the error MDN goes out whatever happens to the record
        log.exception("could not record the refused AS2 message %s", message_id)
