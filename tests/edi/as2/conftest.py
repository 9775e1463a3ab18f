import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

# peer.py is a helper module the Django endpoint tests reuse; make it importable as `peer`
# whether or not this directory is a package.
sys.path.insert(0, str(Path(__file__).parent))

import peer  # noqa: E402

from edi.transports.as2 import Partner  # noqa: E402


@pytest.fixture(scope="session")
def as2_keys(tmp_path_factory):
    """Key pairs: ours (openssl req), the peer's (as2peer.sh genkey), and spares for rollovers."""
    reason = peer.peer_available()
    d = tmp_path_factory.mktemp("as2-keys")
    if reason:  # unit tests still need keys: make them all with openssl
        if not peer.shutil.which("openssl"):
            pytest.skip(reason)
        gen_peer = peer.genkey_ours
    else:
        gen_peer = peer.genkey_peer
    return SimpleNamespace(
        ours=peer.genkey_ours(d, "TSUNAGI"),
        ours_next=peer.genkey_ours(d, "TSUNAGI_NEXT", cn="TSUNAGI"),
        peer=gen_peer(d, "PEER"),
        peer_next=gen_peer(d, "PEER_NEXT", cn="PEER"),
        capture=gen_peer(d, "CAPTURE"),
        stranger=peer.genkey_ours(d, "STRANGER"),
    )


@pytest.fixture(scope="session")
def needs_peer():
    reason = peer.peer_available()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def keys(as2_keys):
    """Loaded (key, cert) objects for the unit tests."""
    return SimpleNamespace(**{
        name: SimpleNamespace(key=ident.key, cert=ident.cert, ident=ident)
        for name, ident in vars(as2_keys).items()
    })


@pytest.fixture
def partner_of(keys):
    def make(as2_id="PEER", certs=None, require_signature=True, require_encryption=True):
        return Partner(as2_id, signing_certs=certs or [keys.peer.cert],
                       require_signature=require_signature, require_encryption=require_encryption)
    return make
