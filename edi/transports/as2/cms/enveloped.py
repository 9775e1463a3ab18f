"""EnvelopedData: RSA key transport (PKCS#1 v1.5, OAEP on input) with AES/3DES-CBC, streamed."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from asn1crypto import algos, core
from asn1crypto import cms as acms
from cryptography import x509
from cryptography.hazmat.primitives import padding as sympadding
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from .. import ber
from ..spool import Span, Spool
from .common import (
    _CIPHER_BY_ASN1,
    _HASHES,
    CIPHERS,
    OID_AUTH_ENVELOPED_DATA,
    OID_DATA,
    OID_ENVELOPED_DATA,
    CmsError,
    MalformedCms,
    NoRecipientKey,
    UnsupportedAlgorithm,
    _asn1_cert,
    cipher_name,
    digest_name,
)


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
    alg = algos.EncryptionAlgorithm(
        {"algorithm": asn1_alg, "parameters": core.OctetString(iv)}
    ).dump()
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
        wrapper = ber.expect(kids[1], 0xA0, "content")
        ed = ber.expect(next(wrapper.children()), 0x30, "EnvelopedData")
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
            named = cert is not None and _rid_matches(r["rid"], cert)
            (matched if named else others).append((r, key, cert))
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
        raise NoRecipientKey("the message names our certificate but our key does not open it")
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
        mgf = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        mgf_h = _HASHES[digest_name(mgf)]()
        pad = padding.OAEP(padding.MGF1(mgf_h), h, None)
    else:
        return None
    return {"rid": k["rid"], "encrypted_key": k["encrypted_key"].native, "padding": pad}


def _rid_matches(rid: acms.RecipientIdentifier, cert: x509.Certificate) -> bool:
    ac = _asn1_cert(cert)
    try:  # asn1crypto parses lazily: a damaged name fails only when compared
        if rid.name == "issuer_and_serial_number":
            v = rid.chosen
            return ac.serial_number == v["serial_number"].native and ac.issuer == v["issuer"]
        return ac.key_identifier == rid.chosen.native
    except Exception:
        return False
