"""CMS (RFC 5652) for AS2: detached SignedData, EnvelopedData, CompressedData (RFC 3274).

Why our own CMS code instead of ``cryptography``'s ``pkcs7`` module (see docs/decisions.md):
``PKCS7SignatureBuilder`` refuses SHA-1 and there is no verification API at all;
``PKCS7EnvelopeBuilder`` and ``pkcs7_decrypt_der`` only know AES-128/256-CBC (AS2 partners
still send 3DES and AES-192), take the whole message as ``bytes`` and cannot try the second
key of a certificate rollover. So the structures are built and read with asn1crypto (small
parts) and :mod:`.ber` (big OCTET STRINGs, streamed), and every cryptographic operation is
a ``cryptography`` primitive: RSA PKCS#1 v1.5 / OAEP / PSS, ECDSA, AES/3DES-CBC, hashes.

Errors here are low level (:class:`CmsError` subclasses); ``message.py`` and ``mdn.py`` map
them onto AS2 dispositions.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from asn1crypto import algos
from asn1crypto import cms as acms
from asn1crypto import core
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as sympadding
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import ber
from .spool import CHUNK, Span, Spool

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


# ---------------------------------------------------------------- SignedData (detached)
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
            {"type": "signing_time", "values": [acms.Time({"utc_time": datetime.now(timezone.utc)})]}
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
        if kind == "issuer_and_serial_number":
            hit = ac.serial_number == value["serial_number"].native and ac.issuer == value["issuer"]
        else:
            hit = ac.key_identifier == value.native
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
            ph = h if isinstance(h, Prehashed) else _HASHES[digest_name(params["hash_algorithm"]["algorithm"].native)]()
            mgf_h = _HASHES[
                digest_name(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            ]()
            pub.verify(
                p["signature"], data, padding.PSS(padding.MGF1(mgf_h), params["salt_length"].native), ph
            )
        elif p["sig_algo"] == "ecdsa" and isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(p["signature"], data, ec.ECDSA(h))
        else:
            return False
    except Exception:  # InvalidSignature, or junk parameters
        return False
    return True


# ---------------------------------------------------------------- EnvelopedData
def encrypt_enveloped(content: bytes, *, cert: x509.Certificate, cipher: str = "aes256") -> bytes:
    """DER ContentInfo(EnvelopedData) for one RSA recipient (PKCS#1 v1.5 key transport)."""
    name = cipher_name(cipher)
    asn1_alg, cls, key_len = CIPHERS[name]
    cek = os.urandom(key_len)
    iv = os.urandom(cls.block_size // 8)
    bs = cls.block_size // 8
    aligned = len(content) - len(content) % bs
    pad = bs - len(content) % bs
    enc = Cipher(cls(cek), modes.CBC(iv)).encryptor()
    # PKCS#7 padding by hand so the content is not copied just to append a few bytes
    ct_parts = [
        enc.update(memoryview(content)[:aligned]),
        enc.update(bytes(content[aligned:]) + bytes([pad]) * pad),
        enc.finalize(),
    ]
    ct_len = sum(len(p) for p in ct_parts)
    pub = cert.public_key()
    if not isinstance(pub, rsa.RSAPublicKey):
        raise UnsupportedAlgorithm("only RSA recipients are supported")
    acert = _asn1_cert(cert)
    ri = acms.RecipientInfos(
        [
            acms.RecipientInfo(
                name="ktri",
                value=acms.KeyTransRecipientInfo(
                    {
                        "version": "v0",
                        "rid": acms.RecipientIdentifier(
                            name="issuer_and_serial_number",
                            value=acms.IssuerAndSerialNumber(
                                {"issuer": acert.issuer, "serial_number": acert.serial_number}
                            ),
                        ),
                        "key_encryption_algorithm": acms.KeyEncryptionAlgorithm(
                            {"algorithm": "rsaes_pkcs1v15", "parameters": core.Null()}
                        ),
                        "encrypted_key": pub.encrypt(cek, padding.PKCS1v15()),
                    }
                ),
            )
        ]
    ).dump()
    alg = algos.EncryptionAlgorithm({"algorithm": asn1_alg, "parameters": core.OctetString(iv)}).dump()
    # assembled by hand so the (large) ciphertext is copied once, not once per nesting level
    eci_inner = core.ObjectIdentifier(OID_DATA).dump() + alg
    eci_len = len(eci_inner) + len(ber.der_header(0x80, ct_len)) + ct_len
    version = core.Integer(0).dump()
    ed_len = len(version) + len(ri) + len(ber.der_header(0x30, eci_len)) + eci_len
    oid = core.ObjectIdentifier(OID_ENVELOPED_DATA).dump()
    a0_len = len(ber.der_header(0x30, ed_len)) + ed_len
    ci_len = len(oid) + len(ber.der_header(0xA0, a0_len)) + a0_len
    return b"".join(
        [
            ber.der_header(0x30, ci_len),
            oid,
            ber.der_header(0xA0, a0_len),
            ber.der_header(0x30, ed_len),
            version,
            ri,
            ber.der_header(0x30, eci_len),
            eci_inner,
            ber.der_header(0x80, ct_len),
            *ct_parts,
        ]
    )


@dataclass(frozen=True)
class Decrypted:
    content: Span
    cipher: str
    cert: x509.Certificate | None


def decrypt_enveloped(
    der: Span,
    keys: Sequence[tuple[rsa.RSAPrivateKey, x509.Certificate | None]],
    *,
    looks_right=lambda span: True,
    spool_dir: str | None = None,
) -> Decrypted:
    """Open an EnvelopedData with the first of ``keys`` that works, streaming the content.

    Recipients whose identifier names one of our certificates are tried first; only if none
    does (odd issuer encodings) is every key tried. Because RSA PKCS#1 v1.5 decryption with
    a wrong key returns random bytes instead of failing (implicit rejection, OpenSSL 3.2+),
    a candidate must also yield a key of the right length, valid CBC padding and content
    that ``looks_right``. Raises MalformedCms, UnsupportedAlgorithm or NoRecipientKey.
    """
    try:
        top = ber.expect(ber.read_top(der), 0x30, "ContentInfo")
        kids = list(top.children())
        if len(kids) < 2:
            raise MalformedCms("ContentInfo without content")
        oid = kids[0].oid()
        if oid == OID_AUTH_ENVELOPED_DATA:
            raise UnsupportedAlgorithm("AuthEnvelopedData (AES-GCM) is not supported")
        if oid != OID_ENVELOPED_DATA:
            raise MalformedCms(f"expected enveloped-data, got content type {oid}")
        ed = ber.expect(next(ber.expect(kids[1], 0xA0, "content").children()), 0x30, "EnvelopedData")
        fields = [n for n in ed.children() if n.tag != 0xA0]  # skip originatorInfo
        if len(fields) < 3:
            raise MalformedCms("EnvelopedData is missing fields")
        ris = acms.RecipientInfos.load(ber.expect(fields[1], 0x31, "recipientInfos").encoded())
        eci = list(ber.expect(fields[2], 0x30, "EncryptedContentInfo").children())
        if len(eci) < 3 or eci[2].tag not in (0x80, 0xA0):
            raise MalformedCms("no encryptedContent")
        alg = algos.EncryptionAlgorithm.load(eci[1].encoded())
        alg_name = alg["algorithm"].native
        recipients = [_parse_recipient(ri) for ri in ris]
        iv = alg["parameters"].native if alg_name in _CIPHER_BY_ASN1 else None
    except CmsError:
        raise
    except Exception as e:  # BerError, asn1crypto's ValueError/TypeError
        raise MalformedCms(f"unreadable enveloped-data: {e}") from e
    if alg_name not in _CIPHER_BY_ASN1:
        raise UnsupportedAlgorithm(f"content encryption {alg_name} is not supported")
    name = _CIPHER_BY_ASN1[alg_name]
    _, cls, key_len = CIPHERS[name]
    if not isinstance(iv, bytes) or len(iv) != cls.block_size // 8:
        raise MalformedCms("bad IV")

    matched, others = [], []
    for r in recipients:
        if r is None:
            continue
        for key, cert in keys:
            (matched if cert is not None and _rid_matches(r["rid"], cert) else others).append((r, key, cert))
    candidates = matched or others
    if not candidates:
        raise NoRecipientKey("the message is not encrypted for an RSA key transport recipient")
    for r, key, cert in candidates:
        try:
            cek = key.decrypt(r["encrypted_key"], r["padding"])
        except Exception:
            continue
        if len(cek) != key_len:
            continue
        spool = Spool(dir=spool_dir)
        try:
            dec = Cipher(cls(cek), modes.CBC(iv)).decryptor()
            unpad = sympadding.PKCS7(cls.block_size).unpadder()
            for chunk in ber.octet_chunks(eci[2]):
                spool.write(unpad.update(dec.update(chunk)))
            spool.write(unpad.update(dec.finalize()))
            spool.write(unpad.finalize())
        except ValueError:
            continue  # wrong key: bad padding or partial block
        except ber.BerError as e:
            raise MalformedCms(f"unreadable encrypted content: {e}") from e
        out = spool.finish()
        if looks_right(out):
            return Decrypted(out, name, cert)
    if matched:
        raise NoRecipientKey("the recipient named in the message is ours but its key does not open it")
    raise NoRecipientKey("the message is not encrypted for any of our certificates")


def _parse_recipient(ri: acms.RecipientInfo) -> dict | None:
    if ri.name != "ktri":
        return None  # key agreement / KEK / password recipients: not for AS2
    k = ri.chosen
    kea = k["key_encryption_algorithm"]
    kname = kea["algorithm"].native
    if kname == "rsaes_pkcs1v15":
        pad: padding.AsymmetricPadding = padding.PKCS1v15()
    elif kname == "rsaes_oaep":
        params = kea["parameters"]
        h = _HASHES[digest_name(params["hash_algorithm"]["algorithm"].native)]()
        mgf_h = _HASHES[digest_name(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)]()
        pad = padding.OAEP(padding.MGF1(mgf_h), h, None)
    else:
        return None
    return {"rid": k["rid"], "encrypted_key": k["encrypted_key"].native, "padding": pad}


def _rid_matches(rid: acms.RecipientIdentifier, cert: x509.Certificate) -> bool:
    ac = _asn1_cert(cert)
    if rid.name == "issuer_and_serial_number":
        v = rid.chosen
        return ac.serial_number == v["serial_number"].native and ac.issuer == v["issuer"]
    return ac.key_identifier == rid.chosen.native


# ---------------------------------------------------------------- CompressedData (RFC 3274)
def compress(content: bytes, level: int = 6) -> bytes:
    """DER ContentInfo(CompressedData) with zlib, the only algorithm RFC 3274 defines."""
    packed = zlib.compress(content, level)
    zlib_oid = core.ObjectIdentifier(OID_ZLIB).dump()
    alg = ber.der_header(0x30, len(zlib_oid)) + zlib_oid
    econtent = ber.der_header(0x04, len(packed))
    a0_inner_len = len(econtent) + len(packed)
    encap_inner = core.ObjectIdentifier(OID_DATA).dump() + ber.der_header(0xA0, a0_inner_len)
    encap_len = len(encap_inner) + a0_inner_len
    version = core.Integer(0).dump()
    cd_len = len(version) + len(alg) + len(ber.der_header(0x30, encap_len)) + encap_len
    oid = core.ObjectIdentifier(OID_COMPRESSED_DATA).dump()
    a0_len = len(ber.der_header(0x30, cd_len)) + cd_len
    ci_len = len(oid) + len(ber.der_header(0xA0, a0_len)) + a0_len
    return b"".join(
        [
            ber.der_header(0x30, ci_len),
            oid,
            ber.der_header(0xA0, a0_len),
            ber.der_header(0x30, cd_len),
            version,
            alg,
            ber.der_header(0x30, encap_len),
            encap_inner,
            econtent,
            packed,
        ]
    )


def decompress(der: Span, *, max_size: int, spool_dir: str | None = None) -> Span:
    """Inflate an RFC 3274 CompressedData in chunks; refuses more than ``max_size`` bytes."""
    try:
        top = ber.expect(ber.read_top(der), 0x30, "ContentInfo")
        kids = list(top.children())
        if len(kids) < 2 or kids[0].oid() != OID_COMPRESSED_DATA:
            raise MalformedCms("not compressed-data")
        cd = ber.expect(next(ber.expect(kids[1], 0xA0, "content").children()), 0x30, "CompressedData")
        fields = list(cd.children())
        if len(fields) < 3:
            raise MalformedCms("CompressedData is missing fields")
        alg_oid = next(ber.expect(fields[1], 0x30, "compressionAlgorithm").children()).oid()
        if alg_oid != OID_ZLIB:
            raise UnsupportedAlgorithm(f"compression algorithm {alg_oid} is not zlib")
        encap = list(ber.expect(fields[2], 0x30, "EncapsulatedContentInfo").children())
        if len(encap) < 2:
            raise MalformedCms("CompressedData without content")
        octets = next(ber.expect(encap[1], 0xA0, "eContent").children())
        if octets.tag not in (0x04, 0x24):
            raise MalformedCms("eContent is not an OCTET STRING")
    except CmsError:
        raise
    except Exception as e:
        raise MalformedCms(f"unreadable compressed-data: {e}") from e
    d = zlib.decompressobj()
    spool = Spool(dir=spool_dir)
    try:
        for chunk in ber.octet_chunks(octets):
            data = chunk
            while data:
                out = d.decompress(data, CHUNK)
                spool.write(out)
                if spool.size > max_size:
                    raise DecompressError(f"decompressed content exceeds {max_size} bytes")
                data = d.unconsumed_tail
        spool.write(d.flush())
    except zlib.error as e:
        raise DecompressError(f"zlib: {e}") from e
    except ber.BerError as e:
        raise MalformedCms(f"unreadable compressed content: {e}") from e
    if not d.eof:
        raise DecompressError("zlib stream is truncated")
    return spool.finish()


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

