"""RFC 3274 CompressedData (zlib), inflated in chunks with a size limit."""

from __future__ import annotations

import zlib

from asn1crypto import core

from .. import ber
from ..spool import CHUNK, Span, Spool
from .common import (
    OID_COMPRESSED_DATA,
    OID_DATA,
    OID_ZLIB,
    CmsError,
    DecompressError,
    MalformedCms,
    UnsupportedAlgorithm,
)


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
        wrapper = ber.expect(kids[1], 0xA0, "content")
        cd = ber.expect(next(wrapper.children()), 0x30, "CompressedData")
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
