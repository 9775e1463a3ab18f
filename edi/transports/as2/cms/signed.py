"""Detached SignedData: sign (RSA PKCS#1 v1.5, ECDSA) and verify against pinned certificates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from asn1crypto import algos
from asn1crypto import cms as acms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from ..spool import Span
from .common import (
    _HASHES,
    OID_SIGNED_DATA,
    CmsError,
    DigestMismatch,
    MalformedCms,
    SignatureInvalid,
    UnsupportedAlgorithm,
    _asn1_cert,
    _hash_of,
    digest_name,
)


@dataclass(frozen=True)
class Signature:
    digest_alg: str
    cert: x509.Certificate
    signing_time: datetime | None


def sign_detached(
    content: Span | bytes,
    *,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    digest_alg: str = "sha256",
    content_digest: bytes | None = None,
) -> bytes:
    """A DER ContentInfo(SignedData) whose signature covers ``content`` (not included).

    Signed attributes: content-type (id-data), signing-time, message-digest; the signer's
    certificate is included. ``content_digest`` skips hashing when the caller has it.
    """
    alg = digest_name(digest_alg)
    digest = content_digest if content_digest is not None else _hash_of(content, alg)
    attrs = [
        acms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        acms.CMSAttribute(
            {
                "type": "signing_time",
                "values": [acms.Time({"utc_time": datetime.now(timezone.utc)})],
            }
        ),
        acms.CMSAttribute({"type": "message_digest", "values": [digest]}),
    ]
    # DER wants SET OF sorted by encoding; openssl re-encodes before verifying.
    attrs.sort(key=lambda a: a.dump())
    signed_attrs = acms.CMSAttributes(attrs)
    to_sign = signed_attrs.dump()
    h = _HASHES[alg]()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(to_sign, padding.PKCS1v15(), h)
        sig_alg = {"algorithm": "rsassa_pkcs1v15"}
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(to_sign, ec.ECDSA(h))
        sig_alg = {"algorithm": f"{alg}_ecdsa"}
    else:
        raise UnsupportedAlgorithm(f"cannot sign with a {type(key).__name__}")
    acert = _asn1_cert(cert)
    signer = acms.SignerInfo(
        {
            "version": "v1",
            "sid": acms.SignerIdentifier(
                {
                    "issuer_and_serial_number": acms.IssuerAndSerialNumber(
                        {"issuer": acert.issuer, "serial_number": acert.serial_number}
                    )
                }
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": alg}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm(sig_alg),
            "signature": signature,
        }
    )
    sd = acms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": alg})],
            "encap_content_info": {"content_type": "data"},
            "certificates": [acert],
            "signer_infos": [signer],
        }
    )
    return acms.ContentInfo({"content_type": "signed_data", "content": sd}).dump()


def verify_detached(
    content: Span | bytes, sig_der: bytes, certs: Sequence[x509.Certificate]
) -> Signature:
    """Check a detached signature over the exact ``content`` bytes against ``certs`` only.

    Trust is pinning: the certificates embedded in the signature are ignored, a signature
    counts only if one of ``certs`` (the partner's, two during a rollover) produced it.
    Raises SignatureInvalid (not from any of ``certs``), DigestMismatch (genuine signature,
    other bytes) or MalformedCms.
    """
    try:
        ci = acms.ContentInfo.load(sig_der)
        if ci["content_type"].dotted != OID_SIGNED_DATA:
            raise MalformedCms(f"signature is a {ci['content_type'].native}, not signed-data")
        sd = ci["content"]
        signers = list(sd["signer_infos"])
        if not signers:
            raise MalformedCms("signed-data without signer")
        parsed = [_parse_signer(si) for si in signers]
    except CmsError:
        raise
    except Exception as e:  # asn1crypto raises ValueError/TypeError/KeyError on junk
        raise MalformedCms(f"unreadable signature: {e}") from e
    if not certs:
        raise SignatureInvalid("no certificate configured to verify the signature")

    digests: dict[str, bytes] = {}
    last_error: CmsError = SignatureInvalid("signature not produced by any configured certificate")
    for p in parsed:
        for cert in _candidates(p["sid"], certs):
            if not _verify_raw(cert, p, content):
                continue
            if p["message_digest"] is None:
                # no signed attributes: the signature was over the content itself
                return Signature(p["digest_alg"], cert, None)
            if p["digest_alg"] not in digests:
                digests[p["digest_alg"]] = _hash_of(content, p["digest_alg"])
            if digests[p["digest_alg"]] == p["message_digest"]:
                return Signature(p["digest_alg"], cert, p["signing_time"])
            last_error = DigestMismatch(
                f"signature by {cert.subject.rfc4514_string()} is valid but the content's "
                f"{p['digest_alg']} digest differs from the signed message-digest"
            )
    raise last_error


def _parse_signer(si: acms.SignerInfo) -> dict:
    alg = digest_name(si["digest_algorithm"]["algorithm"].native)
    sig_alg = si["signature_algorithm"]
    signed_attrs = si["signed_attrs"]
    md = None
    stime = None
    to_verify = None
    if signed_attrs.native is not None and len(signed_attrs):
        raw = signed_attrs.dump()
        to_verify = b"\x31" + raw[1:]  # the signature covers the attributes as a SET OF
        for attr in signed_attrs:
            t = attr["type"].native
            if t == "message_digest":
                md = attr["values"][0].native
            elif t == "signing_time":
                try:
                    stime = attr["values"][0].native
                except Exception:  # an odd time encoding is no reason to reject
                    stime = None
        if md is None:
            raise MalformedCms("signed attributes without message-digest")
    sid = si["sid"]
    return {
        "digest_alg": alg,
        "sig_algo": sig_alg.signature_algo,
        "sig_alg": sig_alg,
        "signature": si["signature"].native,
        "to_verify": to_verify,
        "message_digest": md,
        "signing_time": stime,
        "sid": (sid.name, sid.chosen),
    }


def _candidates(sid: tuple, certs: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """Certificates named by the signer identifier first, then the rest (same key, new cert)."""
    kind, value = sid
    matched, rest = [], []
    for cert in certs:
        ac = _asn1_cert(cert)
        try:  # asn1crypto parses lazily: a damaged name fails only when compared
            if kind == "issuer_and_serial_number":
                sn = value["serial_number"].native
                hit = ac.serial_number == sn and ac.issuer == value["issuer"]
            else:
                hit = ac.key_identifier == value.native
        except Exception:
            hit = False
        (matched if hit else rest).append(cert)
    return matched + rest


def _verify_raw(cert: x509.Certificate, p: dict, content: Span | bytes) -> bool:
    data = p["to_verify"]
    h: hashes.HashAlgorithm | Prehashed = _HASHES[p["digest_alg"]]()
    if data is None:
        # no signed attributes: the signature is over the content; hash it in chunks
        data = _hash_of(content, p["digest_alg"])
        h = Prehashed(h)
    pub = cert.public_key()
    try:
        if p["sig_algo"] == "rsassa_pkcs1v15" and isinstance(pub, rsa.RSAPublicKey):
            pub.verify(p["signature"], data, padding.PKCS1v15(), h)
        elif p["sig_algo"] == "rsassa_pss" and isinstance(pub, rsa.RSAPublicKey):
            params = p["sig_alg"]["parameters"]
            pss_hash = digest_name(params["hash_algorithm"]["algorithm"].native)
            ph = h if isinstance(h, Prehashed) else _HASHES[pss_hash]()
            mgf_h = _HASHES[
                digest_name(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            ]()
            pub.verify(
                p["signature"],
                data,
                padding.PSS(padding.MGF1(mgf_h), params["salt_length"].native),
                ph,
            )
        elif p["sig_algo"] == "ecdsa" and isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(p["signature"], data, ec.ECDSA(h))
        else:
            return False
    except Exception:  # InvalidSignature, or junk parameters
        return False
    return True
