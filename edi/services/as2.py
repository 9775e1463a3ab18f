"""AS2 on top of the pure library (``edi.transports.as2``): receive into the inbound pipeline,
answer with MDNs, send outbound interchanges and check their receipts.

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
import json
import logging
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save

from edi.files import HubPaths, _fsync_dir, _resolve, hub_paths, write_atomic
from edi.models import HubSettings, Interchange, TradingPartner
from edi.services.inbound import (
    PipelineError,
    _archive_target,
    _move,
    _record_archived,
    _relative,
    interchange_fail,
)
from edi.transports import as2
from edi.transports.as2.message import normalize_message_id
from suppliers.audit import Actor, event_record

log = logging.getLogger(__name__)
State = Interchange.State
TEXT = {"Content-Type": "text/plain"}


# --- keys and partners -----------------------------------------------------------------------------

@dataclass(frozen=True)
class HubKeys:
    keys: list[Any]
    certs: list[Any]

    @property
    def key(self) -> Any:
        return self.keys[0]

    @property
    def cert(self) -> Any:
        return self.certs[0]


_key_cache: dict[tuple[str, str, float, float], HubKeys] = {}
_cert_cache: dict[str, list[Any]] = {}


def hub_keys(hub: HubSettings | None = None) -> HubKeys:
    """The hub's AS2 key and certificate, parsed once per file version (not per request)."""
    hub = hub or HubSettings.get()
    if not hub.as2_key_path or not hub.as2_cert_path:
        raise PipelineError("the hub has no AS2 key and certificate configured (hub settings)")
    key_path, cert_path = _abs(hub.as2_key_path), _abs(hub.as2_cert_path)
    try:
        stamp = (str(key_path), str(cert_path), key_path.stat().st_mtime, cert_path.stat().st_mtime)
    except OSError as exc:
        raise PipelineError(f"the hub's AS2 key or certificate cannot be read: {exc}") from exc
    cached = _key_cache.get(stamp)
    if cached is None:
        try:
            cached = HubKeys(keys=[as2.load_key(key_path)], certs=[as2.load_cert(cert_path)])
        except (OSError, ValueError, TypeError) as exc:
            raise PipelineError(f"the hub's AS2 key or certificate is unreadable: {exc}") from exc
        _key_cache.clear()
        _key_cache[stamp] = cached
    return cached


def _abs(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def _certs_of(pem: str) -> list[Any]:
    certs = _cert_cache.get(pem)
    if certs is None:
        certs = as2.load_certs(pem.encode())
        if len(_cert_cache) > 512:
            _cert_cache.clear()
        _cert_cache[pem] = certs
    return certs


def partner_certs(partner: TradingPartner) -> list[Any]:
    """The partner's certificates: the current one first, then the next one during a rollover.

    Inbound signatures verify against any of them; we encrypt for the first.
    """
    certs: list[Any] = []
    for pem in (partner.as2_certificate, partner.as2_next_certificate):
        if pem.strip():
            certs.extend(_certs_of(pem))
    return certs


@dataclass(frozen=True)
class Profile:
    partner: TradingPartner
    signing_certs: list[Any]
    require_signature: bool
    require_encryption: bool


# The receive path reads the hub row and the sender's partner row on every request. Both change
# rarely (console, load-config), so each web process keeps them for CONFIG_TTL seconds: a change
# saved in this process applies at once (the post_save hooks below), one saved elsewhere within
# CONFIG_TTL. Two database round trips fewer per message.
CONFIG_TTL = 5.0
_config_cache: dict[Any, tuple[float, Any]] = {}


def _cached(key: Any, load: Any) -> Any:
    now = time.monotonic()
    hit = _config_cache.get(key)
    if hit is not None and now - hit[0] < CONFIG_TTL:
        return hit[1]
    value = load()
    if len(_config_cache) > 1024:
        _config_cache.clear()
    _config_cache[key] = (now, value)
    return value


def _forget_config(**_: Any) -> None:
    _config_cache.clear()


post_save.connect(_forget_config, sender=HubSettings, dispatch_uid="as2-forget-hub")
post_save.connect(_forget_config, sender=TradingPartner, dispatch_uid="as2-forget-partner")
post_delete.connect(_forget_config, sender=TradingPartner, dispatch_uid="as2-forget-partner-delete")


def receiving_hub() -> HubSettings:
    """The hub settings as the receive path sees them (cached, see CONFIG_TTL)."""
    return _cached("hub", HubSettings.get)


def resolve_partner(as2_from: str, as2_to: str, *, hub: HubSettings | None = None,
                    cached: bool = False) -> Profile | None:
    """The agreement for AS2-From -> AS2-To: an active AS2 partner sending to our AS2 id."""
    hub = hub or HubSettings.get()
    if as2_to != hub.as2_id:
        return None

    def load() -> Profile | None:
        partner = (TradingPartner.objects.select_related("supplier")
                   .filter(as2_id=as2_from, transport=TradingPartner.Transport.AS2, is_active=True).first())
        if partner is None:
            return None
        return Profile(
            partner=partner, signing_certs=partner_certs(partner),
            require_signature=partner.as2_sign != TradingPartner.Sign.NONE,
            require_encryption=partner.as2_encrypt != TradingPartner.Encrypt.NONE,
        )

    return _cached(("partner", as2_from), load) if cached else load()


# --- receive -----------------------------------------------------------------------------------------

@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


class StoreFailed(Exception):
    """The payload could not be stored; nothing of the request was kept."""


MESSAGE_ID_INDEX = "interchange_unique_inbound_as2_message_id"


def spool_dir() -> Path:
    """Where async MDNs wait for delivery (under the file-drop root, so they survive restarts)."""
    path = hub_paths().drop_root / ".as2-spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


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
    except Exception as exc:  # noqa: BLE001 - whatever broke, the sender must hear "not accepted"
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
    except Exception:  # noqa: BLE001 - the error MDN goes out whatever happens to the record
        log.exception("could not record the refused AS2 message %s", message_id)


# --- asynchronous MDNs -----------------------------------------------------------------------------

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
        except Exception:  # noqa: BLE001 - stays spooled for the next pass
            log.warning("async MDN %s still undeliverable", meta.name, exc_info=True)
            continue
        meta.unlink(missing_ok=True)
        done += int(sent)
    return done


# --- sending ---------------------------------------------------------------------------------------

def _content_type(interchange: Interchange) -> str:
    return "application/edi-x12" if interchange.standard == "x12" else "application/EDIFACT"


def as2_send(*, interchange: Interchange, data_path: Path) -> Interchange:
    """Send by AS2 and, with a synchronous MDN, mark delivered only after checking the receipt.

    Network trouble and 5xx answers raise ``TransientSendError`` (the task retries with backoff,
    reusing the Message-ID so the partner can spot a repeat); a receipt that does not verify, or
    says the partner failed, fails the interchange for a person to look at.
    """
    from edi.services.outbound import TransientSendError, outbound_file_name

    partner = interchange.partner
    hub = HubSettings.get()
    keys = hub_keys(hub)
    certs = partner_certs(partner)
    if not certs:
        raise PipelineError(f"partner {partner.code} has no AS2 certificate")
    if not partner.as2_url:
        raise PipelineError(f"partner {partner.code} has no AS2 URL")
    domain = re.sub(r"[^A-Za-z0-9.-]+", "-", hub.as2_id).strip("-.").lower() or "tsunagi"
    message_id = interchange.as2_message_id or as2.make_message_id(f"{domain}.as2.invalid")
    async_url = ""
    if partner.as2_mdn == TradingPartner.Mdn.ASYNC:
        async_url = settings.SITE_URL.rstrip("/") + "/as2/mdn/"
    message = as2.build_outbound(
        data_path.read_bytes(), as2_from=hub.as2_id, as2_to=partner.as2_id, our_key=keys.key, our_cert=keys.cert,
        partner_cert=certs[0], sign=None if partner.as2_sign == "none" else partner.as2_sign,
        encrypt=None if partner.as2_encrypt == "none" else partner.as2_encrypt, compress=partner.as2_compress,
        mdn=partner.as2_mdn, mdn_signed=partner.as2_mdn_signed, async_mdn_url=async_url or None,
        content_type=_content_type(interchange), filename=outbound_file_name(interchange), message_id=message_id,
    )
    interchange.attempts += 1
    Interchange.objects.filter(pk=interchange.pk).update(
        as2_message_id=message.message_id, mic=f"{message.mic_alg}:{message.mic}", attempts=interchange.attempts)
    try:
        status, headers, body = as2.send(message, partner.as2_url, timeout=120)
    except as2.TransportError as exc:
        raise TransientSendError(f"{partner.as2_url}: {exc}") from exc
    if status >= 500 or status in (408, 429):
        raise TransientSendError(f"{partner.as2_url} answered HTTP {status}")
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update(of=("self",)).select_related(
            "partner__supplier").get(pk=interchange.pk)
        if interchange.state != State.QUEUED:
            return interchange
        if partner.as2_mdn != TradingPartner.Mdn.SYNC:
            if not 200 <= status < 300:  # a redirect is not followed, so it is not a delivery either
                return interchange_fail(interchange=interchange, error=f"{partner.as2_url} answered HTTP {status}")
            _move(interchange, State.SENT if partner.as2_mdn == TradingPartner.Mdn.ASYNC else State.DELIVERED)
            return interchange
        return _apply_mdn(interchange, headers, body, status=status, certs=certs, expected_mic=message.mic,
                          expected_mic_alg=message.mic_alg)


# What an unauthenticated POST to /as2/mdn/ can say: anything that is not verifiably the
# partner's (no valid signature, not an MDN at all) must not change the message's state.
UNTRUSTED_MDN = (as2.MdnSignatureError, as2.MdnMissing, as2.MdnMalformed)


class UntrustedMdn(Exception):
    pass


def _apply_mdn(interchange: Interchange, headers: Any, body: bytes, *, status: int | None, certs: list[Any],
               expected_mic: str | None, expected_mic_alg: str | None, from_anyone: bool = False) -> Interchange:
    """Check a receipt and move the interchange to delivered or failed.

    ``from_anyone``: the receipt came to our public async endpoint, so one that cannot be
    authenticated raises :class:`UntrustedMdn` and leaves the interchange as it was (waiting for
    the real one, or for the sweeper's time-out) instead of failing it.
    """
    partner = interchange.partner
    try:
        receipt = as2.parse_mdn(headers, body, status=status, partner_certs=certs,
                                expected_message_id=interchange.as2_message_id, expected_mic=expected_mic,
                                expected_mic_alg=expected_mic_alg, require_signed=partner.as2_mdn_signed)
    except as2.MdnError as exc:
        hint = getattr(exc, "hint", None)
        reason = f"{exc} ({hint})" if hint else str(exc)
        if from_anyone and isinstance(exc, UNTRUSTED_MDN):
            raise UntrustedMdn(reason) from exc
        interchange.mdn = f"refused: {reason}"[:4000]
        interchange.save(update_fields=["mdn", "updated_at"])
        return interchange_fail(interchange=interchange, error=f"the MDN was not accepted: {reason}")
    interchange.mdn = receipt.disposition[:4000]
    if not receipt.ok:
        interchange.save(update_fields=["mdn", "updated_at"])
        return interchange_fail(interchange=interchange, error=f"the partner reported: {receipt.disposition}")
    _move(interchange, State.DELIVERED)
    return interchange


def as2_receive_async_mdn(headers: Mapping[str, str], body: bytes) -> HttpAnswer:
    """An asynchronous MDN for something we sent (``POST /as2/mdn/``).

    Only the Original-Message-ID is read before checking: it finds the outbound interchange,
    whose partner certificates and MIC then verify the receipt like a synchronous one.
    """
    try:
        peeked = as2.peek_mdn(headers, body)
    except as2.AS2Error as exc:
        return HttpAnswer(400, TEXT, f"not an MDN: {exc}\n".encode())
    message_id = normalize_message_id(peeked.original_message_id or "")
    found = Interchange.objects.filter(direction=Interchange.Direction.OUT, as2_message_id=message_id,
                                       channel=Interchange.Channel.AS2).only("pk").first() if message_id else None
    if found is None:
        return HttpAnswer(404, TEXT, b"no message with that Original-Message-ID\n")
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update(of=("self",)).select_related(
            "partner__supplier").get(pk=found.pk)
        # QUEUED too: a quick partner may post the receipt before its HTTP answer reached us
        if interchange.state not in (State.SENT, State.QUEUED):
            return HttpAnswer(200, TEXT, b"MDN already recorded\n")
        alg, _, mic = interchange.mic.partition(":")
        try:
            interchange = _apply_mdn(interchange, headers, body, status=None,
                                     certs=partner_certs(interchange.partner), expected_mic=mic or None,
                                     expected_mic_alg=alg or None, from_anyone=True)
        except UntrustedMdn as exc:
            # noted for the console (a partner with a wrong certificate shows up here), state kept
            log.warning("async MDN for interchange #%s refused, the message stays %s: %s", interchange.pk,
                        interchange.state, exc)
            Interchange.objects.filter(pk=interchange.pk).update(
                mdn=f"an MDN that could not be authenticated was refused: {exc}"[:4000])
            return HttpAnswer(403, TEXT, b"the MDN could not be authenticated\n")
    if interchange.state == State.DELIVERED:
        return HttpAnswer(200, TEXT, b"MDN received\n")
    return HttpAnswer(200, TEXT, b"MDN received; the message is marked failed\n")


ASYNC_MDN_TIMEOUT_HOURS = 24


def as2_fail_overdue_mdns(*, older_than_hours: float = ASYNC_MDN_TIMEOUT_HOURS) -> int:
    """Fail sent messages whose asynchronous MDN never came, so they are not taken for delivered
    and the EDI administrators hear of them (the beat sweeper runs this). A receipt that comes
    after that is answered but changes nothing: a person decides (send again, or ask the partner).
    """
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    overdue = list(Interchange.objects.filter(
        direction=Interchange.Direction.OUT, channel=Interchange.Channel.AS2, state=State.SENT, updated_at__lt=cutoff,
    ).values_list("pk", flat=True)[:200])
    done = 0
    for pk in overdue:
        with transaction.atomic():
            interchange = Interchange.objects.select_for_update().filter(pk=pk, state=State.SENT).first()
            if interchange is None:
                continue  # the receipt came in the meantime
            interchange_fail(interchange=interchange, error=f"no asynchronous MDN within {older_than_hours:g} hours")
            done += 1
    return done


__all__ = ["HttpAnswer", "as2_fail_overdue_mdns", "as2_receive", "as2_receive_async_mdn", "as2_send", "deliver_async_mdn",
           "deliver_spooled_mdns", "hub_keys", "partner_certs", "resolve_partner", "spool_async_mdn", "spool_dir"]
