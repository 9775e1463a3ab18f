"""CMS (RFC 5652) for AS2: detached SignedData, EnvelopedData, CompressedData (RFC 3274).

Why our own CMS code instead of ``cryptography``'s ``pkcs7`` module (see docs/decisions.md):
``PKCS7SignatureBuilder`` refuses SHA-1 and there is no verification API at all;
``PKCS7EnvelopeBuilder`` and ``pkcs7_decrypt_der`` only know AES-128/256-CBC (AS2 partners
still send 3DES and AES-192), take the whole message as ``bytes`` and cannot try the second
key of a certificate rollover. So the structures are built and read with asn1crypto (small
parts) and :mod:`..ber` (big OCTET STRINGs, streamed), and every cryptographic operation is
a ``cryptography`` primitive: RSA PKCS#1 v1.5 / OAEP / PSS, ECDSA, AES/3DES-CBC, hashes.

Errors here are low level (:class:`CmsError` subclasses); ``message.py`` and ``mdn.py`` map
them onto AS2 dispositions.
"""

from .common import (
    CIPHERS,
    DIGESTS,
    OID_AUTH_ENVELOPED_DATA,
    OID_COMPRESSED_DATA,
    OID_DATA,
    OID_ENVELOPED_DATA,
    OID_SIGNED_DATA,
    OID_ZLIB,
    CmsError,
    DecompressError,
    DigestMismatch,
    MalformedCms,
    NoRecipientKey,
    SignatureInvalid,
    UnsupportedAlgorithm,
    cipher_name,
    digest_name,
    is_content_type,
    looks_like_mime,
    micalg_param,
)
from .compressed import compress, decompress
from .enveloped import Decrypted, decrypt_enveloped, encrypt_enveloped
from .signed import Signature, sign_detached, verify_detached

__all__ = [
    "CIPHERS", "DIGESTS", "OID_AUTH_ENVELOPED_DATA", "OID_COMPRESSED_DATA", "OID_DATA",
    "OID_ENVELOPED_DATA", "OID_SIGNED_DATA", "OID_ZLIB", "CmsError", "DecompressError",
    "Decrypted", "DigestMismatch", "MalformedCms", "NoRecipientKey", "Signature",
    "SignatureInvalid", "UnsupportedAlgorithm", "cipher_name", "compress", "decompress",
    "decrypt_enveloped", "digest_name", "encrypt_enveloped", "is_content_type",
    "looks_like_mime", "micalg_param", "sign_detached", "verify_detached",
]
