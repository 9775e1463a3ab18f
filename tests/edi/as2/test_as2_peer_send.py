"""Send direction: build_outbound -> the openssl capture receiver -> parse_mdn.

The capture server decrypts and verifies what we send with openssl and answers with an
openssl-signed MDN; with ``--fault`` it answers like a broken partner, and parse_mdn must
refuse every such receipt.
"""

import hashlib

import peer
import pytest

from edi.transports.as2 import (
    MdnHttpError,
    MdnMessageIdMismatch,
    MdnMicMismatch,
    MdnMissing,
    MdnSignatureError,
    build_outbound,
    parse_mdn,
    send,
)

PAYLOAD = (peer.PEER_DIR / "samples" / "po850.x12").read_bytes() if peer.PEER_DIR.exists() else b""


def _build(keys, **kw):
    opts = dict(
        as2_from="TSUNAGI", as2_to="CAPTURE", our_key=keys.ours.ident.key, our_cert=keys.ours.ident.cert,
        partner_cert=keys.capture.ident.cert, filename="po850.x12",
    )
    opts.update(kw)
    return build_outbound(PAYLOAD, **opts)


def _check(msg, headers, body, keys, status=None):
    return parse_mdn(
        headers, body, status=status, partner_certs=[keys.capture.cert],
        expected_message_id=msg.message_id, expected_mic=msg.mic, expected_mic_alg=msg.mic_alg,
    )


COMBOS = [
    dict(sign="sha256", encrypt="aes256"),
    dict(sign="sha1", encrypt="3des"),
    dict(sign="sha384", encrypt="aes128", compress=True),
    dict(sign="sha512", encrypt="aes192", compress="after-sign"),
    dict(sign="sha256", encrypt=None),
    dict(sign="sha256", encrypt="aes256", cte="base64"),
]


@pytest.mark.parametrize("opts", COMBOS, ids=lambda o: "-".join(f"{v}" for v in o.values()))
def test_capture_receiver_accepts_and_returns_good_mdn(needs_peer, keys, as2_keys, tmp_path, opts):
    # given an openssl receiver that knows our signing certificate
    with peer.capture_server(tmp_path / "cap", receiver=as2_keys.capture, sender_cert=as2_keys.ours.cert_path) as url:
        msg = _build(keys, **opts)
        # when we send and read the sync MDN
        status, headers, body = send(msg, url, timeout=60)
        mdn = _check(msg, headers, body, keys, status=status)
    # then the MDN is positive, signed, for our message, with our MIC
    assert mdn.ok and mdn.signed and mdn.disposition == "processed"
    assert mdn.original_message_id == msg.message_id
    assert mdn.mic == msg.mic
    verdict = peer.read_verdict(tmp_path / "cap" / "1" / "verdict.txt")
    assert "signature OK" in verdict["steps"]
    assert verdict["payload_sha256"] == hashlib.sha256(PAYLOAD).hexdigest()
    assert verdict["payload_filename"] == "po850.x12"


def test_capture_receiver_async_mdn(needs_peer, keys, as2_keys, tmp_path):
    with peer.mdn_listener() as (mdn_url, received):
        with peer.capture_server(tmp_path / "cap", receiver=as2_keys.capture, sender_cert=as2_keys.ours.cert_path) as url:
            msg = _build(keys, mdn="async", async_mdn_url=mdn_url)
            status, _, _ = send(msg, url, timeout=60)
            assert status == 200
            assert peer.wait_for(lambda: received, timeout=30), "no async MDN arrived"
    headers, body = received[0]
    mdn = _check(msg, headers, body, keys)
    assert mdn.ok and mdn.signed and mdn.mic == msg.mic


FAULTS = {
    "wrong-mic": MdnMicMismatch,
    "wrong-omid": MdnMessageIdMismatch,
    "unsigned-mdn": MdnSignatureError,
    "bad-signature": MdnSignatureError,
    "lf-mdn": MdnSignatureError,  # refused: see edi/transports/as2/mdn.py and docs/decisions.md
    "http500": MdnHttpError,
    "no-mdn": MdnMissing,
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_capture_receiver_faults_are_refused(needs_peer, keys, as2_keys, tmp_path, fault):
    with peer.capture_server(tmp_path / "cap", receiver=as2_keys.capture, sender_cert=as2_keys.ours.cert_path,
                             fault=fault) as url:
        msg = _build(keys)
        status, headers, body = send(msg, url, timeout=60)
    with pytest.raises(FAULTS[fault]) as exc:
        _check(msg, headers, body, keys, status=status)
    if fault == "lf-mdn":
        assert "LF->CRLF" in str(exc.value)
