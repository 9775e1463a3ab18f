"""Certificates and keys: load them, describe them, warn before they expire."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any, NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization


class CertInfo(NamedTuple):
    subject: str  # RFC 4514, e.g. 'CN=ACME AS2'
    not_after: datetime  # UTC
    fingerprint: str  # SHA-256, 'AB:CD:...' as openssl prints it


def _read(pem_or_path: str | bytes | os.PathLike) -> bytes:
    if isinstance(pem_or_path, bytes):
        return pem_or_path
    if isinstance(pem_or_path, str) and "-----BEGIN" in pem_or_path:
        return pem_or_path.encode()
    with open(pem_or_path, "rb") as f:
        return f.read()


def load_cert(pem_path: str | bytes | os.PathLike) -> x509.Certificate:
    """The first certificate of a PEM (or DER) file, or of PEM text/bytes."""
    data = _read(pem_path)
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)[0]
    return x509.load_der_x509_certificate(data)


def load_certs(pem_path: str | bytes | os.PathLike) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (e.g. the partner's current and next certificate)."""
    data = _read(pem_path)
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def load_key(pem_path: str | bytes | os.PathLike, password: bytes | None = None) -> Any:
    data = _read(pem_path)
    if b"-----BEGIN" in data:
        return serialization.load_pem_private_key(data, password)
    return serialization.load_der_private_key(data, password)


def cert_info(cert: x509.Certificate) -> CertInfo:
    fp = cert.fingerprint(hashes.SHA256()).hex().upper()
    return CertInfo(
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        fingerprint=":".join(fp[i : i + 2] for i in range(0, len(fp), 2)),
    )


def days_until_expiry(cert: x509.Certificate, *, now: datetime | None = None) -> int:
    """Whole days left (negative once expired); feed it to a daily 'expires soon' check."""
    now = now or datetime.now(timezone.utc)
    return (cert.not_valid_after_utc - now).days
