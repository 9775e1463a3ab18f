"""Hostile and broken input: parse_inbound and parse_mdn raise only their typed errors.

The library wraps anything unforeseen into UnexpectedProcessingError("unexpected error
(<type>)") so a receiver still answers; these tests fail on that wrapper too, because it
means an input reached code that did not expect it.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.transports.as2 import (
    AS2DispositionError,
    AS2Error,
    AS2RequestRejected,
    MalformedMessage,
    MdnError,
    build_mdn,
    build_outbound,
    parse_inbound,
    parse_mdn,
)

CONTENT_TYPES = [
    'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
    "application/pkcs7-mime; smime-type=compressed-data",
    "application/pkcs7-mime",
    'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b"',
    "application/edi-x12",
    "text/plain",
]
HYPO = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _headers(ctype):
    return {"AS2-From": "PEER", "AS2-To": "TSUNAGI", "Message-ID": "<x@y>", "Content-Type": ctype,
            "Disposition-Notification-To": "a@b",
            "Disposition-Notification-Options": "signed-receipt-protocol=optional, pkcs7-signature; "
                                                "signed-receipt-micalg=optional, sha256"}


def _parse(keys, partner, headers, body):
    try:
        parse_inbound(headers, body, resolve_partner=lambda f, t: partner, our_key=keys.ours.key,
                      our_cert=keys.ours.cert)
    except AS2Error as e:
        assert not str(e).startswith("unexpected error ("), repr(e.__cause__)
        if isinstance(e, AS2DispositionError):  # an error MDN can always be built for it
            build_mdn(e, our_key=keys.ours.key, our_cert=keys.ours.cert)
        return e
    return None


@HYPO
@given(body=st.binary(min_size=0, max_size=2048), ctype=st.sampled_from(CONTENT_TYPES))
def test_random_bytes(keys, partner_of, body, ctype):
    err = _parse(keys, partner_of(), _headers(ctype), body)
    assert err is not None  # the partner requires signing and encryption: random bytes never pass


@pytest.fixture(scope="module")
def valid(keys):
    return {
        name: build_outbound(b"ISA*00*~\r\n" * 50, as2_from="PEER", as2_to="TSUNAGI", our_key=keys.peer.key,
                             our_cert=keys.peer.cert, partner_cert=keys.ours.cert, **opts)
        for name, opts in {
            "enc-sign-zip": dict(compress=True),
            "sign-zip-after": dict(encrypt=None, compress="after-sign"),
            "sign-only": dict(encrypt=None),
        }.items()
    }


@pytest.mark.parametrize("name", ["enc-sign-zip", "sign-zip-after", "sign-only"])
def test_every_truncation(keys, partner_of, valid, name):
    msg = valid[name]
    partner = partner_of(require_encryption=name.startswith("enc"))
    assert _parse(keys, partner, msg.headers, msg.body) is None
    step = max(1, len(msg.body) // 300)
    for cut in range(0, len(msg.body) - 2, step):  # the last CRLF after the close delimiter is optional
        assert _parse(keys, partner, msg.headers, msg.body[:cut]) is not None, cut


@HYPO
@given(data=st.data())
def test_flipped_bytes(keys, partner_of, valid, data):
    name = data.draw(st.sampled_from(sorted(valid)))
    msg = valid[name]
    body = bytearray(msg.body)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(body) - 1))
        body[i] ^= data.draw(st.integers(1, 255))
    _parse(keys, partner_of(require_encryption=name.startswith("enc")), msg.headers, bytes(body))


def test_garbage_claiming_enveloped_data_is_a_4xx(keys, partner_of):
    err = _parse(keys, partner_of(), _headers(CONTENT_TYPES[0]), b"\x30\x82" + b"\xff" * 5000)
    assert isinstance(err, MalformedMessage) and isinstance(err, AS2RequestRejected)


def test_empty_body(keys, partner_of):
    assert isinstance(_parse(keys, partner_of(), _headers(CONTENT_TYPES[0]), b""), MalformedMessage)


@HYPO
@given(body=st.binary(max_size=2048), ctype=st.sampled_from(
    ['multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b"',
     'multipart/report; report-type=disposition-notification; boundary="b"', "text/plain"]))
def test_mdn_random_bytes(keys, body, ctype):
    with pytest.raises(MdnError):
        parse_mdn({"Content-Type": ctype}, body, partner_certs=[keys.ours.cert], expected_message_id="x@y",
                  expected_mic="abc", expected_mic_alg="sha256")


def test_mdn_truncations(keys, partner_of, valid):
    msg = valid["enc-sign-zip"]
    res = parse_inbound(msg.headers, msg.body, resolve_partner=lambda f, t: partner_of(),
                        our_key=keys.ours.key, our_cert=keys.ours.cert)
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert)
    for cut in range(0, len(mdn.body), 7):
        with pytest.raises(MdnError):
            parse_mdn(mdn.headers, mdn.body[:cut], partner_certs=[keys.ours.cert],
                      expected_message_id=msg.message_id, expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)


@HYPO
@given(data=st.data())
def test_mdn_flipped_bytes(keys, partner_of, valid, data):
    msg = valid["enc-sign-zip"]
    res = parse_inbound(msg.headers, msg.body, resolve_partner=lambda f, t: partner_of(),
                        our_key=keys.ours.key, our_cert=keys.ours.cert)
    signed = data.draw(st.booleans())
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert, sign=signed)
    body = bytearray(mdn.body)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(body) - 1))
        body[i] ^= data.draw(st.integers(1, 255))
    try:
        receipt = parse_mdn(mdn.headers, bytes(body), partner_certs=[keys.ours.cert], require_signed=signed,
                            expected_message_id=msg.message_id, expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)
    except MdnError:
        return
    assert receipt.original_message_id == msg.message_id
