"""AS2 on top of the pure library (``edi.transports.as2``): receive into the inbound pipeline,
answer with MDNs, send outbound interchanges and check their receipts."""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction

from edi.files import hub_paths, write_atomic
from edi.models import HubSettings, Interchange, TradingPartner
from edi.services.inbound import PipelineError, _move, interchange_fail, interchange_receive_bytes
from edi.transports import as2
from suppliers.audit import Actor, event_record

log = logging.getLogger(__name__)
State = Interchange.State


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


def hub_keys() -> HubKeys:
    """The hub's AS2 key and certificate, loaded once per file version (they are read per request)."""
    hub = HubSettings.get()
    if not hub.as2_key_path or not hub.as2_cert_path:
        raise PipelineError("the hub has no AS2 key and certificate configured (hub settings)")
    key_path, cert_path = _abs(hub.as2_key_path), _abs(hub.as2_cert_path)
    try:
        stamp = (str(key_path), str(cert_path), key_path.stat().st_mtime, cert_path.stat().st_mtime)
    except OSError as exc:
        raise PipelineError(f"the hub's AS2 key or certificate cannot be read: {exc}") from exc
    cached = _key_cache.get(stamp)
    if cached is None:
        cached = HubKeys(keys=[as2.load_key(key_path)], certs=[as2.load_cert(cert_path)])
        _key_cache.clear()
        _key_cache[stamp] = cached
    return cached


def _abs(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def partner_certs(partner: TradingPartner) -> list[Any]:
    certs = []
    for pem in (partner.as2_certificate, partner.as2_next_certificate):
        if pem.strip():
            certs.extend(as2.load_certs(pem.encode()))
    return certs


@dataclass(frozen=True)
class Profile:
    partner: TradingPartner
    signing_certs: list[Any]
    require_signature: bool
    require_encryption: bool


def resolve_partner(as2_from: str, as2_to: str) -> Profile | None:
    hub = HubSettings.get()
    if as2_to != hub.as2_id:
        return None
    partner = (TradingPartner.objects.select_related("supplier")
               .filter(as2_id=as2_from, transport=TradingPartner.Transport.AS2, is_active=True).first())
    if partner is None:
        return None
    return Profile(
        partner=partner, signing_certs=partner_certs(partner),
        require_signature=partner.as2_sign != TradingPartner.Sign.NONE,
        require_encryption=partner.as2_encrypt != TradingPartner.Encrypt.NONE,
    )


@dataclass
class HttpAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def spool_dir() -> Path:
    path = hub_paths().drop_root / ".as2-spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


def as2_receive(headers: Mapping[str, str], body_path: Path) -> HttpAnswer:
    """Receive one AS2 POST whose body is already on disk. Never raises for bad input.

    The payload is archived and its interchange committed *before* the MDN is built: a message
    we acknowledge is stored, and a request that fails before that point is not delivered (the
    sender retries; the Message-ID then finds the first copy and is answered as a duplicate).
    """
    try:
        keys = hub_keys()
    except PipelineError as exc:
        log.error("AS2 receive refused: %s", exc)
        return HttpAnswer(503, {"Content-Type": "text/plain"}, b"AS2 is not configured on this hub\n")
    try:
        result: Any = as2.parse_inbound(headers, str(body_path), resolve_partner=resolve_partner,
                                        our_key=keys.keys, our_cert=keys.certs, spool_dir=spool_dir())
    except as2.AS2RequestRejected as exc:
        log.warning("AS2 request rejected (%s): %s", type(exc).__name__, exc)
        return HttpAnswer(exc.http_status, {"Content-Type": "text/plain"}, f"{exc}\n".encode())
    except as2.AS2DispositionError as exc:
        log.warning("AS2 message refused with an error MDN (%s): %s", exc.modifier, exc)
        result = exc
    disposition = None
    if isinstance(result, as2.InboundResult):
        partner = result.partner.partner
        try:
            _store_payload(partner, result)
        except IntegrityError:
            disposition = as2.DUPLICATE
            _record_duplicate(partner, result)
        except Exception as exc:  # noqa: BLE001 - the sender must get an error MDN, not a 500
            log.exception("AS2 payload could not be stored")
            result = as2.UnexpectedProcessingError(f"could not store the payload: {type(exc).__name__}",
                                                   request=result.request)
    request = result.request
    if request is None or request.mdn_mode == "none":
        return HttpAnswer(200, {"Content-Type": "text/plain"}, b"AS2 message received\n")
    mdn = as2.build_mdn(result, our_key=keys.key, our_cert=keys.cert, disposition=disposition)
    if request.mdn_mode == "sync":
        return HttpAnswer(200, dict(mdn.headers), mdn.body)
    _queue_async_mdn(request.mdn_async_url, dict(mdn.headers), mdn.body)
    return HttpAnswer(200, {"Content-Type": "text/plain"}, b"AS2 message received; the MDN follows asynchronously\n")


def _store_payload(partner: TradingPartner, result: Any) -> Interchange:
    name = result.payload.safe_filename or "as2-payload"
    fd, tmp = tempfile.mkstemp(prefix=".as2-", dir=spool_dir())
    try:
        with os.fdopen(fd, "wb") as fh:
            result.payload.write_to(fh)
            fh.flush()
            os.fsync(fh.fileno())
        return interchange_receive_bytes(data=Path(tmp), partner=partner, channel=Interchange.Channel.AS2,
                                         filename=name, as2_message_id=result.message_id)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _record_duplicate(partner: TradingPartner, result: Any) -> None:
    original = Interchange.objects.filter(direction="in", as2_message_id=result.message_id).exclude(
        state=State.DUPLICATE).first()
    with transaction.atomic():
        dup = Interchange.objects.create(
            direction=Interchange.Direction.IN, channel=Interchange.Channel.AS2, partner=partner,
            state=State.DUPLICATE, as2_message_id=result.message_id, duplicate_of=original,
            size=result.payload.size, filename=(result.payload.safe_filename or "")[:255],
            error=f"AS2 Message-ID {result.message_id} was received before (interchange #{original.pk if original else '?'})",
        )
        event_record(actor=Actor.partner(partner.code), verb="interchange.duplicate", obj=dup, supplier=partner.supplier,
                     payload={"message_id": result.message_id, "original": original.pk if original else None})


def _queue_async_mdn(url: str, headers: dict[str, str], body: bytes) -> None:
    from edi.tasks import deliver_async_mdn

    import json

    spool = spool_dir() / "mdn"
    spool.mkdir(exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="mdn-", suffix=".bin", dir=spool)
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
    meta = Path(path).with_suffix(".json")
    write_atomic(meta, json.dumps({"url": url, "headers": headers, "body": path}).encode(), fsync=False)
    transaction.on_commit(lambda: deliver_async_mdn.delay(url, headers, path))


def deliver_async_mdn(*, url: str, headers: dict[str, str], body_path: str) -> None:
    """POST a built MDN to the partner's Receipt-Delivery-Option URL (retried by the task)."""
    if not Path(body_path).exists():
        return  # delivered already (by the task or by run-once)
    body = Path(body_path).read_bytes()
    try:
        status, _h, _b = as2.post(url, headers, body, timeout=30)
    except as2.TransportError as exc:
        from edi.services.outbound import TransientSendError

        raise TransientSendError(f"async MDN to {url}: {exc}") from exc
    if status >= 500:
        from edi.services.outbound import TransientSendError

        raise TransientSendError(f"async MDN to {url}: HTTP {status}")
    Path(body_path).unlink(missing_ok=True)
    Path(body_path).with_suffix(".json").unlink(missing_ok=True)


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
    keys = hub_keys()
    certs = partner_certs(partner)
    if not certs:
        raise PipelineError(f"partner {partner.code} has no AS2 certificate")
    hub = HubSettings.get()
    message_id = interchange.as2_message_id or as2.make_message_id(hub.as2_id)
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
    Interchange.objects.filter(pk=interchange.pk).update(
        as2_message_id=message.message_id, mic=f"{message.mic_alg}:{message.mic}", attempts=interchange.attempts + 1)
    try:
        status, headers, body = as2.send(message, partner.as2_url, timeout=120)
    except as2.TransportError as exc:
        raise TransientSendError(f"{partner.as2_url}: {exc}") from exc
    if status >= 500 or status in (408, 429):
        raise TransientSendError(f"{partner.as2_url} answered HTTP {status}")
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update().get(pk=interchange.pk)
        if interchange.state != State.QUEUED:
            return interchange
        if partner.as2_mdn != TradingPartner.Mdn.SYNC:
            if status >= 400:
                return interchange_fail(interchange=interchange, error=f"{partner.as2_url} answered HTTP {status}")
            _move(interchange, State.SENT if partner.as2_mdn == TradingPartner.Mdn.ASYNC else State.DELIVERED)
            return interchange
        return _apply_mdn(interchange, headers, body, status=status, certs=certs, expected_mic=message.mic,
                          expected_mic_alg=message.mic_alg)


def _apply_mdn(interchange: Interchange, headers: Any, body: bytes, *, status: int | None, certs: list[Any],
               expected_mic: str | None, expected_mic_alg: str | None) -> Interchange:
    partner = interchange.partner
    try:
        receipt = as2.parse_mdn(headers, body, status=status, partner_certs=certs,
                                expected_message_id=interchange.as2_message_id, expected_mic=expected_mic,
                                expected_mic_alg=expected_mic_alg, require_signed=partner.as2_mdn_signed)
    except as2.MdnError as exc:
        interchange.mdn = f"refused: {exc}"[:4000]
        interchange.save(update_fields=["mdn"])
        return interchange_fail(interchange=interchange, error=f"the MDN was not accepted: {exc}")
    interchange.mdn = str(getattr(receipt, "disposition", "") or "")[:4000]
    if not receipt.ok:
        interchange.save(update_fields=["mdn"])
        return interchange_fail(interchange=interchange, error=f"the partner reported: {receipt.disposition}")
    _move(interchange, State.DELIVERED)
    return interchange


def as2_receive_async_mdn(headers: Mapping[str, str], body: bytes) -> HttpAnswer:
    """An asynchronous MDN for something we sent (``POST /as2/mdn/``)."""
    try:
        peeked = as2.peek_mdn(headers, body)
    except as2.AS2Error as exc:
        return HttpAnswer(400, {"Content-Type": "text/plain"}, f"not an MDN: {exc}\n".encode())
    message_id = as2.normalize_message_id(peeked.original_message_id or "") if hasattr(as2, "normalize_message_id") \
        else (peeked.original_message_id or "").strip("<> ")
    interchange = Interchange.objects.select_related("partner").filter(
        direction="out", as2_message_id=message_id).first()
    if interchange is None:
        return HttpAnswer(404, {"Content-Type": "text/plain"}, b"no message with that Original-Message-ID\n")
    with transaction.atomic():
        interchange = Interchange.objects.select_for_update(of=("self",)).select_related("partner__supplier").get(pk=interchange.pk)
        if interchange.state != State.SENT:
            return HttpAnswer(200, {"Content-Type": "text/plain"}, b"MDN already recorded\n")
        alg, _, mic = interchange.mic.partition(":")
        _apply_mdn(interchange, headers, body, status=None, certs=partner_certs(interchange.partner),
                   expected_mic=mic or None, expected_mic_alg=alg or None)
    return HttpAnswer(200, {"Content-Type": "text/plain"}, b"MDN received\n")


__all__ = ["as2_receive", "as2_receive_async_mdn", "as2_send", "hub_keys", "write_atomic"]


def deliver_spooled_mdns() -> int:
    """Deliver async MDNs still waiting in the spool (their task was lost); used by run-once."""
    import json

    done = 0
    folder = spool_dir() / "mdn"
    if not folder.is_dir():
        return 0
    for meta in sorted(folder.glob("*.json")):
        info = json.loads(meta.read_text())
        try:
            deliver_async_mdn(url=info["url"], headers=info["headers"], body_path=info["body"])
        except Exception:  # noqa: BLE001 - stays spooled for the next pass
            log.warning("async MDN to %s still undeliverable", info["url"])
            continue
        meta.unlink(missing_ok=True)
        done += 1
    return done
