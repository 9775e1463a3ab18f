"""Receive direction: the independent openssl peer sends to a minimal server on our library.

The full ``as2peer.sh suite`` runs once; every case is then its own test so a failure names
the case. The lead runs the same suite against the Django endpoint (see peer.py).
"""

import peer
import pytest

from edi.transports.as2 import Partner

# `as2peer.sh suite` listens on 127.0.0.1:18081 for its async case (P4): the suite against Django
# (tests/edi/test_as2_live.py) is in the same group, so the two never run at the same time.
pytestmark = pytest.mark.xdist_group("as2-peer")

SUITE_CASES = ["P1", "P2", "P3", "P5", "P6", "P7", "P7b", "P4",
               "N1", "N2", "N3", "N4a", "N4b", "N4c", "N5", "N6", "N9", "N7", "N8"]


@pytest.fixture(scope="module")
def suite(needs_peer, as2_keys, tmp_path_factory):
    d = tmp_path_factory.mktemp("as2-suite")
    station = peer.Station(
        "TSUNAGI", [as2_keys.ours],
        {"PEER": Partner("PEER", signing_certs=[as2_keys.peer.cert])}, d / "inbox",
    )
    with peer.as2_server(station, spool_dir=d) as url:
        result = peer.run_suite(
            url=url, to="TSUNAGI", sender=as2_keys.peer, receiver_cert=as2_keys.ours.cert_path,
            payload=peer.PEER_DIR / "samples" / "po850.x12", runs_dir=d / "runs",
            extra=["--inbox-count-cmd", f"ls {d / 'inbox'} | wc -l",
                   "--delivered-cmd", f"ls {d / 'inbox'}/* | tail -1",
                   "--large-mb", "4", "--big-mb", "30"],
        )
    result.station = station
    return result


@pytest.mark.parametrize("case", SUITE_CASES)
def test_peer_suite_case(suite, case):
    assert suite.cases.get(case) == "PASS", f"{case}: {suite.lines.get(case)}\n{suite.why(case)}"


def test_peer_suite_exit_code(suite):
    assert suite.returncode == 0, suite.output[-3000:]


# ---------------------------------------------------------------- single sends
@pytest.fixture(scope="module")
def station_url(needs_peer, as2_keys, tmp_path_factory):
    d = tmp_path_factory.mktemp("as2-recv")
    partners = {
        "PEER": Partner("PEER", signing_certs=[as2_keys.peer.cert]),
        # a partner rolling its signing certificate over: both are valid for a while
        "PEER ROLLING": Partner("PEER ROLLING", signing_certs=[as2_keys.peer.cert, as2_keys.peer_next.cert]),
        "PEER SIGN ONLY": Partner("PEER SIGN ONLY", signing_certs=[as2_keys.peer.cert], require_encryption=False),
    }
    # we roll over too: MDNs are signed with the new key, the old one still decrypts
    station = peer.Station("TSUNAGI", [as2_keys.ours_next, as2_keys.ours], partners, d / "inbox")
    with peer.as2_server(station, spool_dir=d) as url:
        yield station, url, d


SENDS = {
    "sha512-aes192": (["--sign", "sha512", "--mdn-micalg", "sha512", "--enc", "aes192"], "processed"),
    "micalg-spelled-sha-256": (["--mdn-micalg", "sha-256", "--compress", "--cte", "base64"], "processed"),
    "sha1-aes128-compressed": (["--sign", "sha1", "--mdn-micalg", "sha1", "--enc", "aes128", "--compress"], "processed"),
    "unsigned-mdn-requested": (["--unsigned-mdn"], "processed"),
    "no-mdn-requested": (["--mdn", "none"], "processed"),
    "edifact-content-type": (["--content-type", "application/EDIFACT", "--filename", "../../etc/x.edi"], "processed"),
    "encrypted-for-old-cert": (["--enc-cert", "{ours_old}"], "processed"),
    "signed-with-next-cert": (["--from", "PEER ROLLING", "--key", "{peer_next_key}", "--cert", "{peer_next_cert}"], "processed"),
    "quoted-as2-name": (["--from", "PEER ROLLING"], "processed"),
    "signed-only-allowed": (["--from", "PEER SIGN ONLY", "--enc", "none"], "processed"),
    "unencrypted-where-required": (["--enc", "none"], "error:insufficient-message-security"),
    "unknown-sender": (["--from", "NOBODY"], "reject"),
    "signed-by-stranger": (["--key", "{stranger_key}", "--cert", "{stranger_cert}"], "error:authentication-failed"),
}


@pytest.mark.parametrize("name", sorted(SENDS))
def test_peer_send(station_url, as2_keys, name):
    station, url, d = station_url
    args, expect = SENDS[name]
    subst = {
        "ours_old": as2_keys.ours.cert_path, "peer_next_key": as2_keys.peer_next.key_path,
        "peer_next_cert": as2_keys.peer_next.cert_path, "stranger_key": as2_keys.stranger.key_path,
        "stranger_cert": as2_keys.stranger.cert_path,
    }
    base = ["--url", url, "--to", "TSUNAGI", "--from", "PEER", "--rcv-cert", str(as2_keys.ours_next.cert_path),
            "--key", str(as2_keys.peer.key_path), "--cert", str(as2_keys.peer.cert_path),
            "--payload", str(peer.PEER_DIR / "samples" / "po850.x12"), "--workdir", str(d / name)]
    # later options win in as2peer.sh, so the case's own options go last
    proc = peer.run_send(base + [a.format(**subst) for a in args] + ["--expect", expect], runs_dir=d / "runs")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_delivered_filename_is_sanitised(station_url):
    station, url, d = station_url
    names = [p.name for p in (d / "inbox").iterdir()]
    assert not any("/" in n or n.startswith(".") for n in names)
