"""Message Disposition Notifications (RFC 4130 section 7, RFC 3798): build and check.

``build_mdn`` answers an :class:`InboundResult` (positive MDN) or an
:class:`AS2DispositionError` (error MDN) with a multipart/report, signed as
multipart/signed when asked. The same (headers, body) pair serves as the sync HTTP
response or as the async POST to ``request.mdn_async_url``.

``parse_mdn`` checks a receipt for one of our outbound messages: the signature on the raw
bytes against the partner's certificates, the Original-Message-ID and the MIC. Anything
that makes the receipt untrustworthy raises an :class:`MdnError`; a trustworthy *negative*
receipt (e.g. ``processed/error: decryption-failed``) is returned with ``ok == False``.

On line endings: a signed MDN whose transmitted bytes differ from the signed bytes (e.g. a
sender that signed CRLF text and sent bare LF) is refused, even though converting LF to
CRLF would make it verify. HTTP is a binary transport (RFC 4130 section 5.3), RFC 1847/5751
require the signed part to be sent in the canonical form it was signed in, and rewriting
bytes until a signature fits would let the receipt differ from what was signed. The error
carries a hint so an operator can tell the partner what is wrong.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cryptography import x509

from . import cms, mime
from .errors import (
    AS2DispositionError,
    MdnError,
    MdnHttpError,
    MdnMalformed,
    MdnMessageIdMismatch,
    MdnMicMismatch,
    MdnMissing,
    MdnSignatureError,
)
from .message import InboundRequest, InboundResult, normalize_headers, normalize_message_id
from .outbound import AS2_VERSION, USER_AGENT, make_message_id
from .spool import Span

ACTION = "automatic-action/MDN-sent-automatically"
DUPLICATE = "processed/warning: duplicate-document"


class Mdn(NamedTuple):
    headers: dict[str, str]
    body: bytes


def build_mdn(
    inbound_or_error: InboundResult | AS2DispositionError,
    *,
    our_key: Any = None,
    our_cert: x509.Certificate | None = None,
    sign: bool | None = None,
    micalg: str | None = None,
    disposition: str | None = None,
    text: str | None = None,
    reporting_ua: str = USER_AGENT,
    message_id_domain: str = "tsunagi.invalid",
) -> Mdn:
    """The MDN for one inbound message, as HTTP (headers, body).

    ``sign``: None follows the request (signed-receipt-protocol=...pkcs7-signature).
    ``micalg``: None follows signed-receipt-micalg, else the MIC's algorithm.
    ``disposition``: None -> 'processed' for a result, 'processed/error: <modifier>' for an
    error; pass ``DUPLICATE`` (``processed/warning: duplicate-document``) for a resend, or
    any 'processed/error: ...' / 'failed/failure: ...' of your own.
    """
    is_error = isinstance(inbound_or_error, AS2DispositionError)
    request: InboundRequest | None = inbound_or_error.request
    if request is None:
        raise ValueError("the error carries no request: answer it with HTTP 4xx, not an MDN")
    disposition = disposition or inbound_or_error.disposition
    dtype = disposition.split("/", 1)[0].strip().lower()
    positive = dtype == "processed" and "error" not in disposition.lower()
    if sign is None:
        sign = request.mdn_signed
    alg = cms.digest_name(micalg) if micalg else None
    if alg is None:
        alg = request.mdn_micalg or (
            inbound_or_error.mic_alg if isinstance(inbound_or_error, InboundResult) else "sha256"
        )

    fields = [
        ("Reporting-UA", reporting_ua),
        ("Original-Recipient", f"rfc822; {request.as2_to}"),
        ("Final-Recipient", f"rfc822; {request.as2_to}"),
        ("Original-Message-ID", f"<{request.message_id}>"),
        ("Disposition", f"{ACTION}; {disposition}"),
    ]
    if positive and isinstance(inbound_or_error, InboundResult):
        fields.append(("Received-Content-MIC", f"{inbound_or_error.mic_for(alg)}, {alg}"))
    if text is None:
        if is_error:
            text = (
                f"The AS2 message {request.message_id} from {request.as2_from} could not be "
                f"processed: {disposition}. {inbound_or_error}"
            )
        else:
            text = (
                f"The AS2 message {request.message_id} from {request.as2_from} was received "
                f"({disposition}). This is not a guarantee that the content was processed."
            )
    text = re.sub(r"[^\t\x20-\x7e]", "?", text)  # us-ascii, no line breaks

    boundary = mime.new_boundary()
    b = boundary.encode()
    human = mime.entity(
        [("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")],
        text.encode() + mime.CRLF,
    )
    machine = mime.entity(
        [
            ("Content-Type", "message/disposition-notification"),
            ("Content-Transfer-Encoding", "7bit"),
        ],
        mime.header_block(fields),
    )
    report = mime.entity(
        [
            (
                "Content-Type",
                f'multipart/report; report-type=disposition-notification; boundary="{boundary}"',
            )
        ],
        b"".join([b"--", b, mime.CRLF, human, mime.CRLF, b"--", b, mime.CRLF, machine,
                  mime.CRLF, b"--", b, b"--", mime.CRLF]),
    )
    if sign:
        if our_key is None or our_cert is None:
            raise ValueError("a signed MDN needs our_key and our_cert")
        sig = cms.sign_detached(report, key=our_key, cert=our_cert, digest_alg=alg)
        report = mime.multipart_signed(report, sig, micalg=cms.micalg_param(alg))
    top, body = mime.split_top(report)
    headers = {
        "AS2-Version": AS2_VERSION,
        "AS2-From": mime.quote_as2_name(request.as2_to),
        "AS2-To": mime.quote_as2_name(request.as2_from),
        "Message-ID": f"<{make_message_id(message_id_domain)}>",
        "Subject": re.sub(r"[\r\n]", " ", f"Disposition notification: {request.subject}")[:200],
        "Date": email.utils.formatdate(usegmt=True),
        "MIME-Version": "1.0",
        "User-Agent": USER_AGENT,
    }
    headers.update(dict(top))
    return Mdn(headers, body)


# ---------------------------------------------------------------- parse
@dataclass(frozen=True)
class MdnResult:
    original_message_id: str  # without angle brackets
    disposition: str  # e.g. 'processed', 'processed/error: decryption-failed'
    disposition_type: str  # 'processed' | 'failed'
    modifier: str | None  # e.g. 'error: decryption-failed', 'warning: duplicate-document'
    mic: str | None
    mic_alg: str | None
    signed: bool
    signer_cert: x509.Certificate | None
    text: str
    fields: dict[str, str]
    message_id: str | None  # the MDN's own Message-ID
    as2_from: str | None
    as2_to: str | None

    @property
    def ok(self) -> bool:
        """True when the partner confirms receipt: 'processed' or 'processed/warning: ...'."""
        return self.disposition_type == "processed" and (
            self.modifier is None or self.modifier.startswith("warning")
        )

    @property
    def is_duplicate(self) -> bool:
        return bool(self.modifier and "duplicate-document" in self.modifier)


def parse_mdn(
    headers: Mapping[str, str] | Any,
    body: bytes,
    *,
    partner_certs: Sequence[x509.Certificate],
    expected_message_id: str,
    expected_mic: str | None = None,
    expected_mic_alg: str | None = None,
    require_signed: bool = True,
    status: int | None = None,
) -> MdnResult:
    """Check a receipt for the message ``expected_message_id``; raise MdnError if unusable.

    ``status``: pass the HTTP status of a sync answer; non-2xx raises MdnHttpError.
    ``expected_mic``/``expected_mic_alg``: from ``OutboundMessage.mic``/``.mic_alg``; a
    positive MDN must return exactly this value (in any spelling of the algorithm).
    """
    return _parse(
        headers,
        body,
        partner_certs=partner_certs,
        expected_message_id=expected_message_id,
        expected_mic=expected_mic,
        expected_mic_alg=expected_mic_alg,
        require_signed=require_signed,
        status=status,
    )


def peek_mdn(headers: Mapping[str, str] | Any, body: bytes) -> MdnResult:
    """Read an MDN WITHOUT checking anything, to find which message an async MDN is about.

    The POST /as2/mdn/ view needs the Original-Message-ID to load the outbound record
    (its MIC, the partner's certificates) before it can call ``parse_mdn``. Nothing in the
    result may be trusted; ``signed`` is always False here.
    """
    return _parse(headers, body, partner_certs=None, expected_message_id=None, expected_mic=None,
                  expected_mic_alg=None, require_signed=False, status=None)


def _parse(
    headers: Mapping[str, str] | Any,
    body: bytes,
    *,
    partner_certs: Sequence[x509.Certificate] | None,
    expected_message_id: str | None,
    expected_mic: str | None,
    expected_mic_alg: str | None,
    require_signed: bool,
    status: int | None,
) -> MdnResult:
    if status is not None and not 200 <= status < 300:
        raise MdnHttpError(f"the partner answered HTTP {status}", status=status)
    h = normalize_headers(headers)
    ctype = h.get("content-type")
    if not ctype or not body:
        raise MdnMissing("the response holds no MDN")
    mime_headers = mime.headers_from_mapping(h, ("content-type", "content-transfer-encoding"))
    top = mime.Entity(mime_headers, Span(body), None)

    signer = None
    report = top
    if top.content_type == "multipart/signed":
        try:
            parts = mime.split_multipart(top.body, top.param("boundary"))
            if len(parts) != 2:
                raise mime.MimeError(f"multipart/signed with {len(parts)} parts")
            sig_der = mime.decode_body(mime.split_entity(parts[1])).to_bytes()
        except mime.MimeError as e:
            raise MdnMalformed(f"broken multipart/signed MDN: {e}") from e
        try:
            if partner_certs is not None:
                signer = cms.verify_detached(parts[0], sig_der, partner_certs).cert
        except cms.CmsError as e:
            hint = _lf_hint(parts[0], sig_der, partner_certs)
            raise MdnSignatureError(f"MDN signature does not verify: {e}", hint=hint) from e
        try:
            report = mime.split_entity(parts[0])
        except mime.MimeError as e:
            raise MdnMalformed(f"signed MDN content is not MIME: {e}") from e
    elif require_signed:
        if top.content_type == "multipart/report":
            raise MdnSignatureError("unsigned MDN although a signed one was requested")
        raise MdnMissing(f"the response is {top.content_type}, not an MDN")

    if report.content_type != "multipart/report":
        raise MdnMissing(f"the response is {report.content_type}, not an MDN")
    try:
        fields, text = _read_report(report)
    except mime.MimeError as e:
        raise MdnMalformed(f"unreadable multipart/report: {e}") from e

    omid = normalize_message_id(fields.get("original-message-id", ""))
    if expected_message_id is not None and omid != normalize_message_id(expected_message_id):
        want = normalize_message_id(expected_message_id)
        raise MdnMessageIdMismatch(f"MDN is for Original-Message-ID <{omid}>, not <{want}>")
    if not omid:
        raise MdnMalformed("MDN without Original-Message-ID")
    disp = fields.get("disposition")
    if not disp:
        raise MdnMalformed("MDN without Disposition")
    disposition = disp.split(";", 1)[1].strip() if ";" in disp else disp.strip()
    dtype, _, modifier = disposition.partition("/")
    dtype = dtype.strip().lower()
    modifier = re.sub(r"\s+", " ", modifier).strip() or None

    mic = mic_alg = None
    raw_mic = fields.get("received-content-mic")
    if raw_mic:
        value, _, alg = raw_mic.partition(",")
        mic = value.strip()
        try:
            mic_alg = cms.digest_name(alg) if alg.strip() else None
        except cms.UnsupportedAlgorithm:
            mic_alg = alg.strip().lower()

    result = MdnResult(
        original_message_id=omid,
        disposition=disposition,
        disposition_type=dtype,
        modifier=modifier,
        mic=mic,
        mic_alg=mic_alg,
        signed=signer is not None,
        signer_cert=signer,
        text=text,
        fields=fields,
        message_id=normalize_message_id(h["message-id"]) if h.get("message-id") else None,
        as2_from=mime.unquote_as2_name(h["as2-from"]) if h.get("as2-from") else None,
        as2_to=mime.unquote_as2_name(h["as2-to"]) if h.get("as2-to") else None,
    )
    if result.ok and expected_mic is not None:
        if mic is None:
            raise MdnMicMismatch("positive MDN without Received-Content-MIC")
        want_alg = cms.digest_name(expected_mic_alg) if expected_mic_alg else mic_alg
        if mic_alg != want_alg:
            raise MdnMicMismatch(f"MDN MIC uses {mic_alg}, we computed {want_alg}")
        if mic != expected_mic:
            raise MdnMicMismatch(f"MDN MIC {mic} differs from ours {expected_mic}")
    return result


def _read_report(report: mime.Entity) -> tuple[dict[str, str], str]:
    fields: dict[str, str] = {}
    text = ""
    for part in mime.split_multipart(report.body, report.param("boundary")):
        ent = mime.split_entity(part)
        data = mime.decode_body(ent).to_bytes()
        if ent.content_type == "message/disposition-notification":
            # per-message and per-recipient field groups are separated by blank lines
            for block in re.split(rb"\r?\n\r?\n", data.strip(b"\r\n")):
                for k, v in mime.parse_headers(block).items():
                    fields.setdefault(k.lower(), re.sub(r"\s+", " ", str(v)).strip())
        elif ent.content_type == "text/plain" and not text:
            text = data.decode("utf-8", "replace").strip()
    if not fields:
        raise mime.MimeError("no message/disposition-notification part")
    return fields, text


def _lf_hint(signed: Span, sig_der: bytes, certs: Sequence[x509.Certificate]) -> str | None:
    raw = signed.to_bytes()
    if b"\n" not in raw:
        return None
    crlf = re.sub(rb"\r?\n", b"\r\n", raw)
    if crlf == raw:
        return None
    try:
        cms.verify_detached(crlf, sig_der, certs)
    except cms.CmsError:
        return None
    return (
        "it would verify after LF->CRLF conversion: "
        "the partner sends other line endings than it signs"
    )


__all__ = ["DUPLICATE", "Mdn", "MdnError", "MdnResult", "build_mdn", "parse_mdn", "peek_mdn"]
