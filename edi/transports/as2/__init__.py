"""AS2 (RFC 4130) messages in pure Python: receive, answer with MDNs, send, check MDNs.

No Django, no database: a view calls ``parse_inbound`` + ``build_mdn``; a Celery task calls
``build_outbound`` + ``send`` + ``parse_mdn``. Crypto is ``cryptography`` primitives with
CMS structures from asn1crypto (docs/decisions.md says why not pyas2lib).

Receive::

    try:
        result = parse_inbound(request.headers, body_path, resolve_partner=lookup,
                               our_key=key, our_cert=cert)
    except AS2RequestRejected as e:          # garbage, no AS2 headers, unknown partner
        return HttpResponse(str(e), status=e.http_status)
    except AS2DispositionError as e:         # answer with an error MDN
        result = e
    mdn = build_mdn(result, our_key=key, our_cert=cert)   # or disposition=DUPLICATE
    if result.request.mdn_mode == "sync": respond with mdn.headers / mdn.body
    elif result.request.mdn_mode == "async": post(result.request.mdn_async_url, *mdn)

Send::

    msg = build_outbound(data, as2_from=..., as2_to=..., our_key=..., our_cert=...,
                         partner_cert=..., sign="sha256", encrypt="aes256")
    status, headers, body = send(msg, url)
    receipt = parse_mdn(headers, body, status=status, partner_certs=[...],
                        expected_message_id=msg.message_id, expected_mic=msg.mic,
                        expected_mic_alg=msg.mic_alg)
    # receipt.ok -> delivered; an MdnError -> not delivered (retry or alert)

Async MDN (POST /as2/mdn/): ``peek_mdn(headers, body).original_message_id`` finds the
outbound record (nothing else in it is trusted), then ``parse_mdn`` with its MIC.
"""

from .certs import CertInfo, cert_info, days_until_expiry, load_cert, load_certs, load_key
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
    MdnError,
    MdnHttpError,
    MdnMalformed,
    MdnMessageIdMismatch,
    MdnMicMismatch,
    MdnMissing,
    MdnSignatureError,
    MessageTooLarge,
    MissingHeaders,
    TransportError,
    UnexpectedProcessingError,
    UnknownPartner,
)
from .mdn import DUPLICATE, Mdn, MdnResult, build_mdn, parse_mdn, peek_mdn
from .message import (
    InboundRequest,
    InboundResult,
    Partner,
    PartnerProfile,
    Payload,
    parse_inbound,
)
from .outbound import OutboundMessage, build_outbound, make_message_id, post, send

__all__ = [
    "AS2DispositionError",
    "AS2Error",
    "AS2RequestRejected",
    "AuthenticationFailed",
    "CertInfo",
    "DUPLICATE",
    "DecompressionFailed",
    "DecryptionFailed",
    "InboundRequest",
    "InboundResult",
    "InsufficientMessageSecurity",
    "IntegrityCheckFailed",
    "MalformedMessage",
    "Mdn",
    "MdnError",
    "MdnHttpError",
    "MdnMalformed",
    "MdnMessageIdMismatch",
    "MdnMicMismatch",
    "MdnMissing",
    "MdnResult",
    "MdnSignatureError",
    "MessageTooLarge",
    "MissingHeaders",
    "OutboundMessage",
    "Partner",
    "PartnerProfile",
    "Payload",
    "TransportError",
    "UnexpectedProcessingError",
    "UnknownPartner",
    "build_mdn",
    "build_outbound",
    "cert_info",
    "days_until_expiry",
    "load_cert",
    "load_certs",
    "load_key",
    "make_message_id",
    "parse_inbound",
    "parse_mdn",
    "peek_mdn",
    "post",
    "send",
]
