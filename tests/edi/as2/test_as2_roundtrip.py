"""build_outbound -> parse_inbound -> build_mdn -> parse_mdn, for every algorithm combination,
plus the details of the receive path (rollovers, header spellings, MIC rules)."""

import base64
import hashlib
import io
import itertools
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from edi.transports.as2 import (
    DUPLICATE,
    AuthenticationFailed,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MdnMicMismatch,
    MdnSignatureError,
    MissingHeaders,
    UnknownPartner,
    build_mdn,
    build_outbound,
    cms,
    parse_inbound,
    parse_mdn,
)
from edi.transports.as2.spool import Span

BINARY = bytes(range(256)) * 4 + b"\r\n\n\r" + b"ISA*00*~\r\nGS*PO~\n"
SIGNS = ["sha1", "sha256", "sha384", "sha512", None]
CIPHERS = ["aes128", "aes192", "aes256", "3des", None]
COMPRESS = [False, True, "after-sign"]


def _send(keys, payload=BINARY, **kw):
    opts = dict(as2_from="PEER", as2_to="TSUNAGI", our_key=keys.peer.key, our_cert=keys.peer.cert,
                partner_cert=keys.ours.cert, filename="po.x12")
    opts.update(kw)
    return build_outbound(payload, **opts)


def _receive(keys, msg, partner, headers=None, body=None, our_key=None, our_cert=None):
    return parse_inbound(
        msg.headers if headers is None else headers, msg.body if body is None else body,
        resolve_partner=lambda f, t: partner if (f, t) == ("PEER", "TSUNAGI") else None,
        our_key=our_key or keys.ours.key, our_cert=our_cert or keys.ours.cert,
    )


@pytest.mark.parametrize("sign,encrypt,compress", list(itertools.product(SIGNS, CIPHERS, COMPRESS)))
def test_round_trip(keys, partner_of, sign, encrypt, compress):
    # given a message in one of the combinations a partner may agree to
    msg = _send(keys, sign=sign, encrypt=encrypt, compress=compress)
    partner = partner_of(require_signature=bool(sign), require_encryption=bool(encrypt))
    # when we receive it and answer with a signed MDN
    res = _receive(keys, msg, partner)
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert)
    receipt = parse_mdn(mdn.headers, mdn.body, partner_certs=[keys.ours.cert],
                        expected_message_id=msg.message_id, expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)
    # then the payload is byte-identical and both sides agree on the MIC
    assert res.payload.read() == BINARY
    assert res.payload.filename == "po.x12"
    assert res.encryption == encrypt and res.signature_alg == sign
    assert res.compressed == bool(compress)
    assert (res.mic, res.mic_alg) == (msg.mic, msg.mic_alg)
    assert receipt.ok and receipt.signed and receipt.mic == msg.mic


def test_payload_from_path_and_file_object(keys, partner_of, tmp_path):
    msg = _send(keys)
    path = tmp_path / "body.bin"
    path.write_bytes(msg.body)
    assert _receive(keys, msg, partner_of(), body=str(path)).payload.read() == BINARY
    with open(path, "rb") as f:
        assert _receive(keys, msg, partner_of(), body=f).payload.read() == BINARY
    assert _receive(keys, msg, partner_of(), body=io.BytesIO(msg.body)).payload.read() == BINARY


def test_base64_entity(keys, partner_of):
    msg = _send(keys, cte="base64")
    assert _receive(keys, msg, partner_of()).payload.read() == BINARY


# ---------------------------------------------------------------- MIC rules (RFC 4130 7.3.1)
def test_mic_signed_covers_signed_entity_with_headers(keys, partner_of):
    msg = _send(keys, encrypt=None, sign="sha256")
    res = _receive(keys, msg, partner_of(require_encryption=False))
    entity = res.mic_source.to_bytes()
    assert entity.startswith(b"Content-Type: application/edi-x12\r\n")
    assert res.mic == base64.b64encode(hashlib.sha256(entity).digest()).decode()


def test_mic_encrypted_unsigned_covers_decrypted_entity(keys, partner_of):
    msg = _send(keys, sign=None)
    res = _receive(keys, msg, partner_of(require_signature=False))
    assert res.mic_source.to_bytes().startswith(b"Content-Type:")
    assert res.mic == msg.mic


def test_mic_follows_requested_algorithm(keys, partner_of):
    msg = _send(keys, sign="sha256")
    headers = dict(msg.headers)
    headers["Disposition-Notification-Options"] = (
        "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, sha-512, sha1")
    res = _receive(keys, msg, partner_of(), headers=headers)
    assert res.mic_alg == "sha512"
    assert res.mic == base64.b64encode(hashlib.sha512(res.mic_source.to_bytes()).digest()).decode()
    assert res.mic_for("sha256") == msg.mic


# ---------------------------------------------------------------- headers
def test_header_spellings(keys, partner_of):
    msg = _send(keys)
    headers = {k.upper(): v for k, v in msg.headers.items()}
    headers["MESSAGE-ID"] = headers["MESSAGE-ID"].strip("<>")  # no angle brackets
    headers["AS2-FROM"] = '"PEER"'
    res = _receive(keys, msg, partner_of(), headers=headers)
    assert res.message_id == msg.message_id
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in msg.headers.items()}
    meta["CONTENT_TYPE"] = meta.pop("HTTP_CONTENT_TYPE")
    assert _receive(keys, msg, partner_of(), headers=meta).payload.read() == BINARY


def test_quoted_as2_names_with_spaces(keys, partner_of):
    msg = _send(keys, as2_from='ACME "EU" GmbH', as2_to="TSUNAGI HUB")
    assert msg.headers["AS2-From"] == r'"ACME \"EU\" GmbH"'
    res = parse_inbound(msg.headers, msg.body, resolve_partner=lambda f, t: partner_of(f) if t == "TSUNAGI HUB" else None,
                        our_key=keys.ours.key, our_cert=keys.ours.cert)
    assert res.request.as2_from == 'ACME "EU" GmbH'
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert)
    assert mdn.headers["AS2-From"] == '"TSUNAGI HUB"'


@pytest.mark.parametrize("drop", ["AS2-From", "AS2-To", "Message-ID", "Content-Type"])
def test_missing_headers_are_rejected(keys, partner_of, drop):
    msg = _send(keys)
    headers = {k: v for k, v in msg.headers.items() if k != drop}
    with pytest.raises(MissingHeaders):
        _receive(keys, msg, partner_of(), headers=headers)


def test_unknown_partner(keys, partner_of):
    msg = _send(keys, as2_to="SOMEONE_ELSE")
    with pytest.raises(UnknownPartner) as e:
        _receive(keys, msg, partner_of())
    assert 400 <= e.value.http_status < 500


# ---------------------------------------------------------------- certificates and rollovers
def test_decrypts_with_second_key_during_rollover(keys, partner_of):
    msg = _send(keys, partner_cert=keys.ours_next.cert)
    res = _receive(keys, msg, partner_of(), our_key=[keys.ours.key, keys.ours_next.key],
                   our_cert=[keys.ours.cert, keys.ours_next.cert])
    assert res.decrypted_with == keys.ours_next.cert


def test_verifies_partner_next_certificate(keys, partner_of):
    msg = _send(keys, our_key=keys.peer_next.key, our_cert=keys.peer_next.cert)
    res = _receive(keys, msg, partner_of(certs=[keys.peer.cert, keys.peer_next.cert]))
    assert res.signer_cert == keys.peer_next.cert


def test_wrong_decryption_key(keys, partner_of):
    msg = _send(keys, partner_cert=keys.stranger.cert)
    with pytest.raises(DecryptionFailed):
        _receive(keys, msg, partner_of())


def test_wrong_key_even_when_recipient_id_matches(keys, partner_of):
    # our certificate, someone else's key: implicit rejection must still end in decryption-failed
    msg = _send(keys)
    with pytest.raises(DecryptionFailed):
        _receive(keys, msg, partner_of(), our_key=keys.stranger.key, our_cert=keys.ours.cert)


def test_unknown_signer(keys, partner_of):
    msg = _send(keys, our_key=keys.stranger.key, our_cert=keys.stranger.cert)
    with pytest.raises(AuthenticationFailed):
        _receive(keys, msg, partner_of())


def test_tampered_signed_content(keys, partner_of):
    msg = _send(keys, encrypt=None)
    i = msg.body.index(b"ISA*00")
    body = msg.body[:i] + b"X" + msg.body[i + 1:]
    with pytest.raises(IntegrityCheckFailed) as e:
        _receive(keys, msg, partner_of(require_encryption=False), body=body)
    assert e.value.request.message_id == msg.message_id


@pytest.mark.parametrize("sign,encrypt", [(None, "aes256"), ("sha256", None), (None, None)])
def test_insufficient_security(keys, partner_of, sign, encrypt):
    msg = _send(keys, sign=sign, encrypt=encrypt)
    with pytest.raises(InsufficientMessageSecurity):
        _receive(keys, msg, partner_of())


def test_decompression_limit(keys, partner_of):
    msg = _send(keys, payload=b"\0" * (4 << 20), compress=True)
    with pytest.raises(DecompressionFailed):
        parse_inbound(msg.headers, msg.body, resolve_partner=lambda f, t: partner_of(),
                      our_key=keys.ours.key, our_cert=keys.ours.cert, max_decompressed=1 << 20)


# ---------------------------------------------------------------- MDN
def test_duplicate_mdn_is_positive(keys, partner_of):
    msg = _send(keys)
    mdn = build_mdn(_receive(keys, msg, partner_of()), our_key=keys.ours.key, our_cert=keys.ours.cert,
                    disposition=DUPLICATE)
    receipt = parse_mdn(mdn.headers, mdn.body, partner_certs=[keys.ours.cert], expected_message_id=msg.message_id,
                        expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)
    assert receipt.ok and receipt.is_duplicate


@pytest.mark.parametrize("make_error", [
    lambda k: _send(k, partner_cert=k.stranger.cert),
    lambda k: _send(k, our_key=k.stranger.key, our_cert=k.stranger.cert),
    lambda k: _send(k, sign=None),
])
def test_error_mdn_round_trip(keys, partner_of, make_error):
    msg = make_error(keys)
    with pytest.raises(Exception) as e:
        _receive(keys, msg, partner_of())
    mdn = build_mdn(e.value, our_key=keys.ours.key, our_cert=keys.ours.cert)
    receipt = parse_mdn(mdn.headers, mdn.body, partner_certs=[keys.ours.cert], expected_message_id=msg.message_id,
                        expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)
    assert not receipt.ok
    assert receipt.modifier == f"error: {e.value.modifier}"
    assert receipt.mic is None


def test_unsigned_mdn(keys, partner_of):
    msg = _send(keys, mdn_signed=False)
    res = _receive(keys, msg, partner_of())
    mdn = build_mdn(res)
    assert mdn.headers["Content-Type"].startswith("multipart/report")
    kw = dict(partner_certs=[keys.ours.cert], expected_message_id=msg.message_id, expected_mic=msg.mic,
              expected_mic_alg=msg.mic_alg)
    with pytest.raises(MdnSignatureError):
        parse_mdn(mdn.headers, mdn.body, **kw)
    assert parse_mdn(mdn.headers, mdn.body, require_signed=False, **kw).ok


def test_mdn_signed_by_someone_else_or_altered(keys, partner_of):
    msg = _send(keys)
    res = _receive(keys, msg, partner_of())
    kw = dict(expected_message_id=msg.message_id, expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)
    mdn = build_mdn(res, our_key=keys.stranger.key, our_cert=keys.stranger.cert)
    with pytest.raises(MdnSignatureError):
        parse_mdn(mdn.headers, mdn.body, partner_certs=[keys.ours.cert], **kw)
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert)
    altered = mdn.body.replace(b"; processed", b"; processed/error: x")
    with pytest.raises(MdnSignatureError):
        parse_mdn(mdn.headers, altered, partner_certs=[keys.ours.cert], **kw)


def test_mdn_mic_algorithm_must_match(keys, partner_of):
    msg = _send(keys, sign="sha256")
    res = _receive(keys, msg, partner_of())
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert, micalg="sha1")
    with pytest.raises(MdnMicMismatch):
        parse_mdn(mdn.headers, mdn.body, partner_certs=[keys.ours.cert], expected_message_id=msg.message_id,
                  expected_mic=msg.mic, expected_mic_alg=msg.mic_alg)


# ---------------------------------------------------------------- interop with cryptography's pkcs7
def test_verifies_cryptography_signature(keys):
    data = b"Content-Type: text/plain\r\n\r\nhello\r\n"
    sig = (pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(keys.peer.cert, keys.peer.key, hashes.SHA256())
           .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
    assert cms.verify_detached(data, sig, [keys.peer.cert]).digest_alg == "sha256"
    with pytest.raises(cms.DigestMismatch):
        cms.verify_detached(data + b"x", sig, [keys.peer.cert])


@pytest.mark.parametrize("alg,name", [(algorithms.AES128, "aes128"), (algorithms.AES256, "aes256")])
def test_envelope_interop_with_cryptography(keys, alg, name):
    data = b"Content-Type: text/plain\r\n\r\n" + BINARY
    theirs = (pkcs7.PKCS7EnvelopeBuilder().set_data(data).add_recipient(keys.ours.cert)
              .set_content_encryption_algorithm(alg).encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary]))
    assert cms.decrypt_enveloped(Span(theirs), [(keys.ours.key, keys.ours.cert)]).content.to_bytes() == data
    ours = cms.encrypt_enveloped(data, cert=keys.ours.cert, cipher=name)
    assert pkcs7.pkcs7_decrypt_der(ours, keys.ours.cert, keys.ours.key, []) == data


def test_ber_indefinite_length_from_openssl_stream(keys, tmp_path):
    # streaming senders (openssl -stream, BouncyCastle) use indefinite lengths and chunked OCTET STRINGs
    data = b"Content-Type: text/plain\r\n\r\n" + BINARY * 50
    (tmp_path / "in").write_bytes(data)
    subprocess.run(["openssl", "cms", "-encrypt", "-binary", "-stream", "-aes-256-cbc", "-in", str(tmp_path / "in"),
                    "-outform", "DER", "-out", str(tmp_path / "enc"), str(keys.ours.ident.cert_path)], check=True)
    der = (tmp_path / "enc").read_bytes()
    assert der[1] == 0x80  # indefinite length indeed
    assert cms.decrypt_enveloped(Span(der), [(keys.ours.key, keys.ours.cert)]).content.to_bytes() == data


def test_peek_mdn_finds_the_original_message_for_async_receipts(keys, partner_of):
    from edi.transports.as2 import peek_mdn

    msg = _send(keys, mdn="async", async_mdn_url="http://127.0.0.1:9/mdn")
    res = _receive(keys, msg, partner_of())
    assert res.request.mdn_mode == "async" and res.request.mdn_async_url == "http://127.0.0.1:9/mdn"
    mdn = build_mdn(res, our_key=keys.ours.key, our_cert=keys.ours.cert)
    peeked = peek_mdn(mdn.headers, mdn.body)
    assert peeked.original_message_id == msg.message_id and not peeked.signed


def test_body_size_limit(keys, partner_of):
    from edi.transports.as2 import MessageTooLarge

    msg = _send(keys)
    with pytest.raises(MessageTooLarge) as e:
        parse_inbound(msg.headers, msg.body, resolve_partner=lambda f, t: partner_of(), our_key=keys.ours.key,
                      our_cert=keys.ours.cert, max_body=100)
    assert e.value.http_status == 413


@pytest.mark.parametrize("extra", [["-noattr"], ["-keyopt", "rsa_padding_mode:pss"]], ids=["no-signed-attrs", "rsa-pss"])
def test_verifies_openssl_signature_variants(keys, tmp_path, extra):
    data = b"Content-Type: application/octet-stream\r\n\r\n" + BINARY
    (tmp_path / "in").write_bytes(data)
    subprocess.run(["openssl", "cms", "-sign", "-binary", "-md", "sha256", "-signer", str(keys.peer.ident.cert_path),
                    "-inkey", str(keys.peer.ident.key_path), *extra, "-in", str(tmp_path / "in"), "-outform", "DER",
                    "-out", str(tmp_path / "sig")], check=True, capture_output=True)
    sig = (tmp_path / "sig").read_bytes()
    assert cms.verify_detached(Span(data), sig, [keys.peer.cert]).digest_alg == "sha256"
    with pytest.raises(cms.CmsError):
        cms.verify_detached(Span(data[:-1] + b"x"), sig, [keys.peer.cert])


def test_send_to_nothing_is_a_transport_error(keys):
    import socket

    from edi.transports.as2 import TransportError, send

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(TransportError):
        send(_send(keys), f"http://127.0.0.1:{port}/as2", timeout=5)


def test_base64_body_without_transfer_encoding_header(keys, partner_of):
    msg = build_outbound(b"ISA~", as2_from="PEER", as2_to="TSUNAGI", our_key=keys.peer.key,
                         our_cert=keys.peer.cert, partner_cert=keys.ours.cert)
    headers = {k: v for k, v in msg.headers.items() if k != "Content-Transfer-Encoding"}
    res = parse_inbound(headers, base64.encodebytes(msg.body), resolve_partner=lambda f, t: partner_of(),
                        our_key=keys.ours.key, our_cert=keys.ours.cert)
    assert res.payload.read() == b"ISA~"
