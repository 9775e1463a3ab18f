from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import hashes

from edi.transports.as2 import cert_info, days_until_expiry, load_cert, load_certs


def test_cert_info(as2_keys):
    cert = load_cert(as2_keys.ours.cert_path)
    info = cert_info(cert)
    subject, not_after, fingerprint = info
    assert subject == "CN=TSUNAGI"
    assert fingerprint.replace(":", "") == cert.fingerprint(hashes.SHA256()).hex().upper()
    assert 364 <= days_until_expiry(cert) <= 365
    assert days_until_expiry(cert, now=not_after + timedelta(days=2)) == -2
    assert not_after.tzinfo == timezone.utc and not_after > datetime.now(timezone.utc)


def test_load_bundle_and_pem_text(as2_keys):
    bundle = as2_keys.peer.cert_path.read_bytes() + as2_keys.peer_next.cert_path.read_bytes()
    assert len(load_certs(bundle)) == 2
    assert load_cert(as2_keys.peer.cert_path.read_text()) == as2_keys.peer.cert

