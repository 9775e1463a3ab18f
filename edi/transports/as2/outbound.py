"""Outbound AS2 messages: build the HTTP request, and POST it with the stdlib.

``build_outbound`` works in memory (the caller hands us ``bytes``): payload entity ->
optional compression (before signing, RFC 5402's recommendation, or after) -> detached
signature (multipart/signed) -> EnvelopedData. Each step copies the message once, so a
100 MB payload peaks at roughly 3-4x its size; send bigger files compressed.

``send`` and ``post`` are thin http.client wrappers. Retries, backoff and the record of what was
sent belong to the caller (a Celery task).
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import http.client
import secrets
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

from . import cms, mime
from .errors import TransportError

AS2_VERSION = "1.2"
USER_AGENT = "Tsunagi AS2"


def make_message_id(domain: str = "tsunagi.invalid") -> str:
    """A fresh RFC 5322 msg-id, without angle brackets."""
    return f"{time.strftime('%Y%m%d%H%M%S')}.{secrets.token_hex(8)}@{domain}"


@dataclass(frozen=True)
class OutboundMessage:
    headers: dict[str, str]
    body: bytes
    message_id: str  # without angle brackets
    mic: str  # base64 digest the partner must return in Received-Content-MIC
    mic_alg: str
    as2_from: str
    as2_to: str
    mdn_mode: str  # 'sync' | 'async' | 'none'
    mdn_signed: bool
    layers: tuple[str, ...] = field(default=())


def build_outbound(
    payload: bytes,
    *,
    as2_from: str,
    as2_to: str,
    our_key: Any = None,
    our_cert: x509.Certificate | None = None,
    partner_cert: x509.Certificate | None = None,
    sign: str | None = "sha256",
    encrypt: str | None = "aes256",
    compress: bool | str = False,
    mdn: str = "sync",
    mdn_signed: bool = True,
    async_mdn_url: str | None = None,
    content_type: str = "application/edi-x12",
    filename: str | None = None,
    message_id: str | None = None,
    subject: str | None = None,
    mdn_to: str = "as2@tsunagi.invalid",
    cte: str = "binary",
    message_id_domain: str = "tsunagi.invalid",
) -> OutboundMessage:
    """Build the HTTP headers and body of one AS2 message.

    ``sign``: sha1 | sha256 | sha384 | sha512 | None (needs our_key/our_cert).
    ``encrypt``: aes128 | aes192 | aes256 | 3des | None (needs partner_cert).
    ``compress``: False, True / 'before-sign' or 'after-sign' (RFC 5402).
    ``mdn``: 'sync' | 'async' (needs async_mdn_url) | 'none'.
    """
    if mdn not in ("sync", "async", "none"):
        raise ValueError("mdn must be 'sync', 'async' or 'none'")
    if mdn == "async" and not async_mdn_url:
        raise ValueError("an async MDN needs async_mdn_url")
    if compress not in (False, True, "before-sign", "after-sign"):
        raise ValueError("compress must be False, True, 'before-sign' or 'after-sign'")
    sign_alg = cms.digest_name(sign) if sign else None
    cipher = cms.cipher_name(encrypt) if encrypt else None
    if sign_alg and (our_key is None or our_cert is None):
        raise ValueError("signing needs our_key and our_cert")
    if cipher and partner_cert is None:
        raise ValueError("encryption needs partner_cert")
    message_id = message_id or make_message_id(message_id_domain)
    layers: list[str] = []

    ent = mime.payload_entity(payload, content_type=content_type, cte=cte, filename=filename)
    if compress in (True, "before-sign"):
        ent = _compressed_entity(ent)
        layers.append("compressed")
    mic_alg = sign_alg or "sha256"
    if sign_alg:
        digest = hashlib.new(sign_alg, ent).digest()
        mic = base64.b64encode(digest).decode()
        sig = cms.sign_detached(
            ent, key=our_key, cert=our_cert, digest_alg=sign_alg, content_digest=digest
        )
        ent = mime.multipart_signed(ent, sig, micalg=cms.micalg_param(sign_alg))
        layers.insert(0, "signed")
    if compress == "after-sign":
        ent = _compressed_entity(ent)
        layers.insert(0, "compressed")
    if not sign_alg and cipher:
        mic = base64.b64encode(hashlib.new(mic_alg, ent).digest()).decode()  # RFC 4130 7.3.1
    if cipher:
        body = cms.encrypt_enveloped(ent, cert=partner_cert, cipher=cipher)
        del ent
        top = [
            ("Content-Type", 'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"'),
            ("Content-Transfer-Encoding", "binary"),
            ("Content-Disposition", 'attachment; filename="smime.p7m"'),
        ]
        layers.insert(0, "encrypted")
    else:
        top, body = mime.split_top(ent)
        if not sign_alg:
            mic = base64.b64encode(hashlib.new(mic_alg, body).digest()).decode()

    headers = {
        "AS2-Version": AS2_VERSION,
        "AS2-From": mime.quote_as2_name(as2_from),
        "AS2-To": mime.quote_as2_name(as2_to),
        "Message-ID": f"<{message_id}>",
        "Subject": subject or "AS2 message",
        "Date": email.utils.formatdate(usegmt=True),
        "MIME-Version": "1.0",
        "User-Agent": USER_AGENT,
    }
    if mdn != "none":
        headers["Disposition-Notification-To"] = mdn_to
        if mdn_signed:
            headers["Disposition-Notification-Options"] = (
                "signed-receipt-protocol=optional, pkcs7-signature; "
                f"signed-receipt-micalg=optional, {mic_alg}"
            )
        if mdn == "async":
            headers["Receipt-Delivery-Option"] = async_mdn_url  # type: ignore[assignment]
    for k, v in top:
        headers[k] = v
    return OutboundMessage(
        headers=headers,
        body=body,
        message_id=message_id,
        mic=mic,
        mic_alg=mic_alg,
        as2_from=as2_from,
        as2_to=as2_to,
        mdn_mode=mdn,
        mdn_signed=mdn_signed and mdn != "none",
        layers=tuple(layers),
    )


def _compressed_entity(ent: bytes) -> bytes:
    return mime.entity(
        [
            (
                "Content-Type",
                'application/pkcs7-mime; smime-type=compressed-data; name="smime.p7z"',
            ),
            ("Content-Transfer-Encoding", "binary"),
            ("Content-Disposition", 'attachment; filename="smime.p7z"'),
        ],
        cms.compress(ent),
    )


# ---------------------------------------------------------------- HTTP
def post(
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    timeout: float = 60,
    ssl_context: Any = None,
) -> tuple[int, dict[str, str], bytes]:
    """POST and return (status, headers, body), also for 4xx/5xx answers.

    http.client rather than urllib.request: urllib title-cases header names (``As2-from``)
    and a few AS2 products compare them case-sensitively. No redirects are followed.
    Raises :class:`TransportError` when no HTTP answer came back (worth a retry).
    """
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise TransportError(f"not an http(s) URL: {url!r}")
    path = (u.path or "/") + (f"?{u.query}" if u.query else "")
    if u.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            u.hostname, u.port, timeout=timeout, context=ssl_context
        )
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        hdrs = {k: v for k, v in headers.items() if k.lower() != "content-length"}
        hdrs["Content-Length"] = str(len(body))
        conn.request("POST", path, body=body, headers=hdrs)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    except (OSError, http.client.HTTPException) as e:
        raise TransportError(f"POST {url} failed: {e}") from e
    finally:
        conn.close()


def send(
    message: OutboundMessage, url: str, timeout: float = 60, *, ssl_context: Any = None
) -> tuple[int, dict[str, str], bytes]:
    """POST an OutboundMessage; for a sync MDN, hand the answer to ``parse_mdn``."""
    return post(url, message.headers, message.body, timeout=timeout, ssl_context=ssl_context)
