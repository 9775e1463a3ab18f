"""Sending by AS2 and checking the receipts (synchronous, or at ``POST /as2/mdn/``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from edi.models import HubSettings, Interchange, TradingPartner
from edi.services.as2.base import TEXT, HttpAnswer
from edi.services.as2.keys import hub_keys, partner_certs
from edi.services.inbound import (
    PipelineError,
    _move,
    interchange_fail,
)
from edi.transports import as2
from edi.transports.as2.message import normalize_message_id

log = logging.getLogger(__name__)
State = Interchange.State


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
