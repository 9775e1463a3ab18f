"""Typed errors of the AS2 library.

Two families, because a receiver answers them differently:

* :class:`AS2RequestRejected` - the request is not an AS2 message we can talk about (garbage
  body, missing AS2 headers, unknown partner). Answer with a plain HTTP 4xx
  (``http_status``), no MDN: we do not know whom to sign a receipt for.
* :class:`AS2DispositionError` - a real AS2 message that failed a security or processing
  step. Answer with an error MDN: ``build_mdn(error, ...)`` turns ``modifier`` into
  ``processed/error: <modifier>`` (RFC 4130 section 7.4.3, RFC 5402 for decompression).

:class:`MdnError` and its subclasses are what ``parse_mdn`` raises when a receipt must not
be trusted. Anything else escaping this package is a bug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .message import InboundRequest


class AS2Error(Exception):
    """Base of every error this package raises on purpose."""


# ---------------------------------------------------------------- inbound: plain HTTP 4xx
class AS2RequestRejected(AS2Error):
    """Answer with HTTP ``http_status`` and no MDN."""

    http_status = 400


class MissingHeaders(AS2RequestRejected):
    """AS2-From, AS2-To or Message-ID is missing or unusable."""


class UnknownPartner(AS2RequestRejected):
    """``resolve_partner`` knows no agreement for this AS2-From / AS2-To pair."""

    http_status = 403


class MalformedMessage(AS2RequestRejected):
    """The body is not a MIME entity or CMS structure we can even start to read."""


class MessageTooLarge(AS2RequestRejected):
    http_status = 413


# ---------------------------------------------------------------- inbound: error MDN
class AS2DispositionError(AS2Error):
    """A failure that deserves a (signed) error MDN rather than an HTTP error.

    ``request`` carries what was read from the HTTP headers (Message-ID, AS2 ids, the MDN
    options), which is all ``build_mdn`` needs. ``mic``/``mic_alg`` are set when the
    failure came after the MIC could be computed (they are not sent in error MDNs).
    """

    modifier = "unexpected-processing-error"

    def __init__(self, message: str, *, request: InboundRequest | None = None) -> None:
        super().__init__(message)
        self.request = request

    @property
    def disposition(self) -> str:
        return f"processed/error: {self.modifier}"


class DecryptionFailed(AS2DispositionError):
    modifier = "decryption-failed"


class AuthenticationFailed(AS2DispositionError):
    """The signature is not from any certificate we hold for the partner."""

    modifier = "authentication-failed"


class IntegrityCheckFailed(AS2DispositionError):
    """The partner's signature is genuine but does not cover these bytes."""

    modifier = "integrity-check-failed"


class InsufficientMessageSecurity(AS2DispositionError):
    """Unsigned or unencrypted although the partner profile requires it."""

    modifier = "insufficient-message-security"


class DecompressionFailed(AS2DispositionError):
    modifier = "decompression-failed"


class UnexpectedProcessingError(AS2DispositionError):
    modifier = "unexpected-processing-error"


# ---------------------------------------------------------------- outbound: MDN checks
class MdnError(AS2Error):
    """The receipt must not be trusted: do not mark the message delivered."""


class MdnHttpError(MdnError):
    """The partner answered with a non-2xx HTTP status."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class MdnMissing(MdnError):
    """An MDN was expected but the response holds none."""


class MdnMalformed(MdnError):
    pass


class MdnSignatureError(MdnError):
    """Unsigned although we asked for a signed MDN, or the signature does not verify."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message if not hint else f"{message} ({hint})")
        self.hint = hint


class MdnMessageIdMismatch(MdnError):
    pass


class MdnMicMismatch(MdnError):
    pass


# ---------------------------------------------------------------- transport
class TransportError(AS2Error):
    """The HTTP exchange itself failed (DNS, refused, timeout): worth a retry."""
