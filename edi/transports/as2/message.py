"""Inbound AS2 messages: read the HTTP request, open every layer, hand back the payload.

``parse_inbound`` peels the layers in whatever order the sender stacked them
(encrypted -> compressed -> signed -> compressed -> payload, RFC 4130 + RFC 5402), verifies
the signature on the raw bytes, computes the MIC of RFC 4130 section 7.3.1 and returns an
:class:`InboundResult`. Failures are typed (see ``errors.py``): ``AS2RequestRejected`` for a
plain HTTP 4xx, ``AS2DispositionError`` for an error MDN.

Memory: the body may be a path or a file object; it is memory-mapped, and every layer the
message needs to produce (decrypted, decompressed, base64-decoded) goes to an unlinked temp
file past 8 MiB. Peak Python heap stays around a few MiB whatever the size; the mapped
pages are page cache. See docs/decisions.md for measured numbers.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, BinaryIO, Protocol

from cryptography import x509

from . import cms, mime
from .errors import (
    AS2DispositionError,
    AS2Error,
    AS2RequestRejected,
    AuthenticationFailed,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MalformedMessage,
    MessageTooLarge,
    MissingHeaders,
    UnexpectedProcessingError,
    UnknownPartner,
)
from .spool import BodyInput, Span, open_body

MIME_HEADER_NAMES = ("content-type", "content-transfer-encoding", "content-disposition")
PKCS7_MIME = ("application/pkcs7-mime", "application/x-pkcs7-mime")
DEFAULT_MAX_DECOMPRESSED = 2 << 30


# ---------------------------------------------------------------- request headers
def normalize_headers(headers: Mapping[str, str] | Any) -> dict[str, str]:
    """Lower-case header names; accepts Django's ``request.headers``, ``request.META``,
    ``http.server`` headers or a plain dict. The first value of a repeated header wins."""
    out: dict[str, str] = {}
    items = headers.items() if hasattr(headers, "items") else headers
    for k, v in items:
        if not isinstance(v, str):
            continue
        name = k.lower()
        if name.startswith("http_"):  # WSGI environ
            name = name[5:].replace("_", "-")
        elif name in ("content_type", "content_length"):
            name = name.replace("_", "-")
        out.setdefault(name, v.strip())
    return out


def normalize_message_id(value: str) -> str:
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):
        v = v[1:-1].strip()
    return v


@dataclass(frozen=True)
class InboundRequest:
    """What the HTTP headers say, read before any byte of the body."""

    as2_from: str
    as2_to: str
    message_id: str  # without angle brackets
    subject: str
    content_type: str
    mdn_to: str | None  # Disposition-Notification-To
    mdn_options: str | None  # Disposition-Notification-Options, raw
    mdn_async_url: str | None  # Receipt-Delivery-Option
    mdn_signed: bool  # a pkcs7-signature receipt was asked for
    mdn_micalgs: tuple[str, ...]  # signed-receipt-micalg, in the sender's order, ours spelled
    headers: dict[str, str]

    @property
    def mdn_mode(self) -> str:
        """'sync' (MDN in the HTTP response), 'async' (POST to mdn_async_url) or 'none'."""
        if not self.mdn_to:
            return "none"
        return "async" if self.mdn_async_url else "sync"

    @property
    def mdn_micalg(self) -> str | None:
        return self.mdn_micalgs[0] if self.mdn_micalgs else None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str] | Any) -> InboundRequest:
        h = normalize_headers(headers)
        missing = [n for n in ("as2-from", "as2-to", "message-id") if not h.get(n)]
        if missing:
            raise MissingHeaders("missing AS2 header(s): " + ", ".join(missing))
        as2_from = mime.unquote_as2_name(h["as2-from"])
        as2_to = mime.unquote_as2_name(h["as2-to"])
        message_id = normalize_message_id(h["message-id"])
        if not as2_from or not as2_to or not message_id or len(as2_from) > 128 or len(as2_to) > 128:
            raise MissingHeaders("empty or over-long AS2-From, AS2-To or Message-ID")
        if not h.get("content-type"):
            raise MissingHeaders("missing Content-Type")
        options = h.get("disposition-notification-options")
        signed, micalgs = parse_mdn_options(options)
        return cls(
            as2_from=as2_from,
            as2_to=as2_to,
            message_id=message_id,
            subject=h.get("subject", ""),
            content_type=h["content-type"],
            mdn_to=h.get("disposition-notification-to") or None,
            mdn_options=options,
            mdn_async_url=h.get("receipt-delivery-option") or None,
            mdn_signed=signed,
            mdn_micalgs=micalgs,
            headers=h,
        )


def parse_mdn_options(value: str | None) -> tuple[bool, tuple[str, ...]]:
    """``signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional,
    sha-256, sha1`` -> (True, ('sha256', 'sha1')). Unknown algorithms are skipped."""
    if not value:
        return False, ()
    signed = False
    algs: list[str] = []
    for param in value.split(";"):
        name, _, rest = param.partition("=")
        items = [x.strip().strip('"').lower() for x in rest.split(",")]
        name = name.strip().lower()
        if name == "signed-receipt-protocol":
            signed = "pkcs7-signature" in items[1:] or "pkcs7-signature" in items
        elif name == "signed-receipt-micalg":
            for a in items[1:] if items and items[0] in ("required", "optional") else items:
                try:
                    algs.append(cms.digest_name(a))
                except cms.UnsupportedAlgorithm:
                    pass
    return signed, tuple(algs)


# ---------------------------------------------------------------- partner profile
class PartnerProfile(Protocol):
    """What ``resolve_partner`` returns; a Django model with these attributes will do."""

    signing_certs: Sequence[x509.Certificate]  # verify their signatures (two during rollover)
    require_signature: bool
    require_encryption: bool


@dataclass(frozen=True)
class Partner:
    """A plain PartnerProfile, for tests and command-line use."""

    as2_id: str
    signing_certs: Sequence[x509.Certificate] = ()
    encryption_cert: x509.Certificate | None = None  # for sending to them
    require_signature: bool = True
    require_encryption: bool = True


# ---------------------------------------------------------------- result
@dataclass(frozen=True)
class Payload:
    """The business document, byte-identical to what the sender put in the entity."""

    data: Span
    content_type: str
    filename: str | None

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def safe_filename(self) -> str | None:
        """The filename without any directory part or control characters."""
        if not self.filename:
            return None
        name = re.split(r"[\\/]", self.filename)[-1]
        name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip(". ")
        return name or None

    def read(self) -> bytes:
        return self.data.to_bytes()

    def write_to(self, fp: BinaryIO) -> int:
        return self.data.write_to(fp)

    def save(self, path: str | os.PathLike) -> None:
        with open(path, "wb") as f:
            self.write_to(f)

    def sha256(self) -> str:
        return self.data.digest("sha256").hex()


@dataclass(frozen=True)
class InboundResult:
    request: InboundRequest
    partner: Any
    payload: Payload
    encryption: str | None  # 'aes256', '3des', ... or None
    signature_alg: str | None  # digest of the signature, 'sha256', ... or None
    signer_cert: x509.Certificate | None
    decrypted_with: x509.Certificate | None
    compressed: bool
    layers: tuple[str, ...]  # outermost first, e.g. ('encrypted', 'signed', 'compressed')
    mic: str  # base64 Received-Content-MIC value for mic_alg
    mic_alg: str
    warnings: tuple[str, ...] = ()
    mic_source: Span | None = field(default=None, repr=False)

    disposition = "processed"

    @property
    def message_id(self) -> str:
        return self.request.message_id

    def mic_for(self, alg: str) -> str:
        """The MIC with another digest (if the MDN must use one the sender did not ask for)."""
        alg = cms.digest_name(alg)
        if alg == self.mic_alg or self.mic_source is None:
            return self.mic
        return base64.b64encode(self.mic_source.digest(alg)).decode()


ResolvePartner = Callable[[str, str], Any]


# ---------------------------------------------------------------- parse_inbound
def parse_inbound(
    headers: Mapping[str, str] | Any,
    body: BodyInput,
    *,
    resolve_partner: ResolvePartner,
    our_key: Any,
    our_cert: x509.Certificate | Sequence[x509.Certificate] | None = None,
    spool_dir: str | None = None,
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED,
    max_body: int | None = None,
) -> InboundResult:
    """Read one inbound AS2 message.

    ``headers``: the HTTP request headers (any case; Django ``request.headers`` or ``META``).
    ``body``: bytes, a path to the spooled request body, or a file object.
    ``resolve_partner(as2_from, as2_to)``: the partner profile (see :class:`PartnerProfile`)
    or ``None`` when the pair is unknown (-> :class:`UnknownPartner`, HTTP 403).
    ``our_key`` / ``our_cert``: our decryption key and certificate; during a rollover pass
    sequences of the same length (paired in order) and each pair is tried.

    ``max_body``: refuse larger bodies with :class:`MessageTooLarge` (HTTP 413);
    ``max_decompressed``: refuse to inflate beyond this (decompression-failed MDN).
    ``spool_dir``: where decrypted/decompressed layers past 8 MiB are spooled (unlinked
    temp files, default $TMPDIR).

    Raises :class:`AS2RequestRejected` (answer HTTP ``e.http_status``, no MDN) or
    :class:`AS2DispositionError` (answer ``build_mdn(e, ...)``).
    """
    request = InboundRequest.from_headers(headers)
    partner = resolve_partner(request.as2_from, request.as2_to)
    if partner is None:
        raise UnknownPartner(
            f"no agreement for AS2-From {request.as2_from!r} to AS2-To {request.as2_to!r}"
        )
    try:
        keys = _key_pairs(our_key, our_cert)
        reader = _Reader(request, partner, keys, spool_dir, max_decompressed)
        return reader.read(body, max_body)
    except AS2DispositionError as e:
        if e.request is None:
            e.request = request
        raise
    except AS2Error:
        raise
    except Exception as e:  # a bug or an input we did not foresee: still answer with an MDN
        msg = f"unexpected error ({type(e).__name__})"
        raise UnexpectedProcessingError(msg, request=request) from e


def _key_pairs(keys: Any, certs: Any) -> list[tuple[Any, x509.Certificate | None]]:
    ks = list(keys) if isinstance(keys, (list, tuple)) else [keys]
    cs = list(certs) if isinstance(certs, (list, tuple)) else [certs] * len(ks)
    if len(cs) != len(ks):
        raise ValueError("our_key and our_cert must pair up")
    return [(k, c) for k, c in zip(ks, cs) if k is not None]


class _Reader:
    def __init__(self, request, partner, keys, spool_dir, max_decompressed) -> None:
        self.request = request
        self.partner = partner
        self.keys = keys
        self.spool_dir = spool_dir
        self.max_decompressed = max_decompressed
        self.layers: list[str] = []
        self.encryption: str | None = None
        self.decrypted_with: x509.Certificate | None = None
        self.decrypted: Span | None = None
        self.signature: cms.Signature | None = None
        self.signed_part: Span | None = None
        self.warnings: list[str] = []

    def err(self, cls: type[AS2DispositionError], msg: str) -> AS2DispositionError:
        return cls(msg, request=self.request)

    def read(self, body: BodyInput, max_body: int | None) -> InboundResult:
        try:
            span = open_body(body, spool_dir=self.spool_dir)
        except OSError as e:
            raise MalformedMessage(f"cannot read the body: {e}") from e
        if not len(span):
            raise MalformedMessage("empty body")
        if max_body is not None and len(span) > max_body:
            raise MessageTooLarge(f"body of {len(span)} bytes exceeds {max_body}")
        h = self.request.headers
        try:
            top = mime.Entity(mime.headers_from_mapping(h, MIME_HEADER_NAMES), span, None)
        except Exception as e:
            raise MalformedMessage(f"unreadable Content-Type: {e}") from e
        ent = top
        for depth in range(8):
            ctype = ent.content_type
            if ctype in PKCS7_MIME:
                ent = self._open_pkcs7(ent, outermost=depth == 0)
            elif ctype == "multipart/signed":
                ent = self._verify(ent, outermost=depth == 0)
            else:
                break
        else:
            raise self.err(UnexpectedProcessingError, "too many nested layers")
        self._check_security()

        try:
            data = mime.decode_body(ent, spool_dir=self.spool_dir)
        except mime.MimeError as e:
            raise self.err(UnexpectedProcessingError, f"payload: {e}") from e
        payload = Payload(data, ent.content_type, ent.filename)

        # RFC 4130 7.3.1: signed -> the signed entity with its MIME headers; encrypted only ->
        # the decrypted entity; neither -> the content without headers.
        if self.signed_part is not None:
            mic_source = self.signed_part
        elif self.decrypted is not None:
            mic_source = self.decrypted
        else:
            mic_source = span
        mic_alg = self.request.mdn_micalg or (
            self.signature.digest_alg if self.signature else "sha256"
        )
        mic = base64.b64encode(mic_source.digest(mic_alg)).decode()
        return InboundResult(
            request=self.request,
            partner=self.partner,
            payload=payload,
            encryption=self.encryption,
            signature_alg=self.signature.digest_alg if self.signature else None,
            signer_cert=self.signature.cert if self.signature else None,
            decrypted_with=self.decrypted_with,
            compressed="compressed" in self.layers,
            layers=tuple(self.layers),
            mic=mic,
            mic_alg=mic_alg,
            warnings=tuple(self.warnings),
            mic_source=mic_source,
        )

    # -- layers
    def _der_of(self, ent: mime.Entity, outermost: bool) -> Span:
        try:
            if not ent.cte and re.match(rb"MI[A-Za-z0-9+/]{2}", ent.body.head(4)):
                # base64 DER sent without Content-Transfer-Encoding (seen in the wild)
                b64 = mime.parse_headers(b"Content-Transfer-Encoding: base64")
                ent = mime.Entity(b64, ent.body, None)
            return mime.decode_body(ent, spool_dir=self.spool_dir)
        except mime.MimeError as e:
            if outermost:
                raise MalformedMessage(str(e)) from e
            raise self.err(UnexpectedProcessingError, str(e)) from e

    def _open_pkcs7(self, ent: mime.Entity, *, outermost: bool) -> mime.Entity:
        der = self._der_of(ent, outermost)
        smime = ent.param("smime-type").lower()
        if not smime:  # some senders leave it out: sniff the CMS content type
            is_zip = cms.is_content_type(der, cms.OID_COMPRESSED_DATA)
            smime = "compressed-data" if is_zip else "enveloped-data"
        if smime == "compressed-data":
            return self._decompress(der, outermost)
        if smime == "enveloped-data":
            return self._decrypt(der, outermost)
        raise self.err(UnexpectedProcessingError, f"unsupported smime-type {smime}")

    def _decrypt(self, der: Span, outermost: bool) -> mime.Entity:
        if self.encryption is not None:
            raise self.err(UnexpectedProcessingError, "nested encryption")
        if not self.keys:
            raise self.err(DecryptionFailed, "the message is encrypted but we hold no key")
        try:
            res = cms.decrypt_enveloped(
                der, self.keys, looks_right=cms.looks_like_mime, spool_dir=self.spool_dir
            )
        except cms.MalformedCms as e:
            if outermost:  # garbage that merely claims to be pkcs7-mime
                raise MalformedMessage(f"not a CMS enveloped-data: {e}") from e
            raise self.err(DecryptionFailed, str(e)) from e
        except (cms.NoRecipientKey, cms.UnsupportedAlgorithm) as e:
            raise self.err(DecryptionFailed, str(e)) from e
        self.encryption = res.cipher
        self.decrypted_with = res.cert
        self.decrypted = res.content
        self.layers.append("encrypted")
        try:
            return mime.split_entity(res.content)
        except mime.MimeError as e:
            raise self.err(DecryptionFailed, f"decrypted content is not MIME: {e}") from e

    def _decompress(self, der: Span, outermost: bool) -> mime.Entity:
        try:
            content = cms.decompress(der, max_size=self.max_decompressed, spool_dir=self.spool_dir)
        except cms.MalformedCms as e:
            if outermost:
                raise MalformedMessage(f"not a CMS compressed-data: {e}") from e
            raise self.err(DecompressionFailed, str(e)) from e
        except (cms.DecompressError, cms.UnsupportedAlgorithm) as e:
            raise self.err(DecompressionFailed, str(e)) from e
        self.layers.append("compressed")
        try:
            return mime.split_entity(content)
        except mime.MimeError as e:
            raise self.err(DecompressionFailed, f"decompressed content is not MIME: {e}") from e

    def _verify(self, ent: mime.Entity, *, outermost: bool) -> mime.Entity:
        if self.signature is not None:
            raise self.err(UnexpectedProcessingError, "nested signatures")
        try:
            parts = mime.split_multipart(ent.body, ent.param("boundary"))
            if len(parts) != 2:
                raise mime.MimeError(f"multipart/signed with {len(parts)} parts")
            sig_ent = mime.split_entity(parts[1])
            sig_der = mime.decode_body(sig_ent).to_bytes()
        except mime.MimeError as e:
            if outermost:
                raise MalformedMessage(f"broken multipart/signed: {e}") from e
            raise self.err(AuthenticationFailed, f"broken multipart/signed: {e}") from e
        certs = list(getattr(self.partner, "signing_certs", ()) or ())
        try:
            sig = cms.verify_detached(parts[0], sig_der, certs)
        except cms.DigestMismatch as e:
            raise self.err(IntegrityCheckFailed, str(e)) from e
        except cms.CmsError as e:
            raise self.err(AuthenticationFailed, str(e)) from e
        self.signature = sig
        self.signed_part = parts[0]
        self.layers.append("signed")
        micalg = ent.param("micalg")
        if micalg:
            try:
                if cms.digest_name(micalg) != sig.digest_alg:
                    self.warnings.append(f"micalg={micalg} but the signature uses {sig.digest_alg}")
            except cms.UnsupportedAlgorithm:
                self.warnings.append(f"unknown micalg {micalg}")
        if sig.cert.not_valid_after_utc < datetime.now(timezone.utc):
            self.warnings.append("the partner's signing certificate has expired")
        try:
            return mime.split_entity(parts[0])
        except mime.MimeError as e:
            raise self.err(UnexpectedProcessingError, f"signed content is not MIME: {e}") from e

    def _check_security(self) -> None:
        if getattr(self.partner, "require_encryption", False) and self.encryption is None:
            raise self.err(InsufficientMessageSecurity, "the agreement requires encryption")
        if getattr(self.partner, "require_signature", False) and self.signature is None:
            raise self.err(InsufficientMessageSecurity, "the agreement requires a signature")


__all__ = [
    "AS2RequestRejected",
    "InboundRequest",
    "InboundResult",
    "Partner",
    "PartnerProfile",
    "Payload",
    "normalize_headers",
    "normalize_message_id",
    "parse_inbound",
    "parse_mdn_options",
]
