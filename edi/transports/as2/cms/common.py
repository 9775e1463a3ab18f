"""Names, OIDs, errors and small helpers shared by the CMS modules."""

from __future__ import annotations

import hashlib
import re

from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers import algorithms

from .. import ber
from ..spool import Span

OID_DATA = "1.2.840.113549.1.7.1"
OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_ENVELOPED_DATA = "1.2.840.113549.1.7.3"
OID_COMPRESSED_DATA = "1.2.840.113549.1.9.16.1.9"
OID_AUTH_ENVELOPED_DATA = "1.2.840.113549.1.9.16.1.23"
OID_ZLIB = "1.2.840.113549.1.9.16.3.8"

DIGESTS = ("sha1", "sha224", "sha256", "sha384", "sha512")
_HASHES = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

# name -> (asn1crypto algorithm name, cipher class, key bytes)
CIPHERS = {
    "aes128": ("aes128_cbc", algorithms.AES, 16),
    "aes192": ("aes192_cbc", algorithms.AES, 24),
    "aes256": ("aes256_cbc", algorithms.AES, 32),
    "3des": ("tripledes_3key", TripleDES, 24),
}
_CIPHER_BY_ASN1 = {v[0]: k for k, v in CIPHERS.items()}
_CIPHER_ALIASES = {"des3": "3des", "tripledes": "3des", "des-ede3": "3des", "des-ede3-cbc": "3des",
                   "aes-128-cbc": "aes128", "aes-192-cbc": "aes192", "aes-256-cbc": "aes256"}


class CmsError(Exception):
    """Base of the low-level CMS failures."""


class MalformedCms(CmsError):
    """Not a CMS structure of the expected type."""


class UnsupportedAlgorithm(CmsError):
    pass


class NoRecipientKey(CmsError):
    """None of our keys opens the envelope."""


class SignatureInvalid(CmsError):
    """No certificate we hold produced this signature."""


class DigestMismatch(CmsError):
    """The signature is genuine but the message-digest attribute does not match the content."""


class DecompressError(CmsError):
    pass


# ---------------------------------------------------------------- names
def digest_name(alg: str) -> str:
    """'SHA-256', 'sha256', 'rsa-sha256' -> 'sha256'; raises UnsupportedAlgorithm otherwise."""
    a = alg.strip().lower().replace("-", "").replace("_", "")
    a = a.removeprefix("rsa")
    if a not in DIGESTS:
        raise UnsupportedAlgorithm(f"unsupported digest algorithm {alg!r}")
    return a


def micalg_param(alg: str) -> str:
    """RFC 5751 spelling for the multipart/signed micalg parameter: 'sha256' -> 'sha-256'."""
    return "sha-" + digest_name(alg)[3:]


def cipher_name(alg: str) -> str:
    a = alg.strip().lower()
    a = _CIPHER_ALIASES.get(a, a)
    if a not in CIPHERS:
        raise UnsupportedAlgorithm(f"unsupported content encryption {alg!r}")
    return a


def _asn1_cert(cert: x509.Certificate) -> ax509.Certificate:
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _hash_of(data: Span | bytes, alg: str) -> bytes:
    if isinstance(data, Span):
        return data.digest(alg)
    return hashlib.new(alg, data).digest()


def is_content_type(der: Span, oid: str) -> bool:
    """Cheap sniff: is ``der`` a ContentInfo of type ``oid``? (for unlabelled pkcs7-mime)"""
    try:
        top = ber.read_top(der)
        return next(top.children()).oid() == oid
    except Exception:
        return False


_MIME_START = re.compile(rb"\A(?:\r?\n|[!-9;-~]+:)")


def looks_like_mime(span: Span) -> bool:
    """Does ``span`` start like a MIME entity (a header line, or an empty header block)?"""
    return bool(_MIME_START.match(span.head(200)))
