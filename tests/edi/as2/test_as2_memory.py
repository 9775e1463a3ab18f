"""Large messages are streamed: the Python heap never holds the payload while receiving.

32 MiB is enough to tell streaming from copying (a single copy would exceed the bound);
tests/edi/as2/bench_receive.py measures 100 MB by hand.
"""

import tracemalloc

import pytest

from edi.transports.as2 import build_outbound, parse_inbound

MIB = 1 << 20


@pytest.mark.parametrize("opts", [dict(), dict(cte="base64"), dict(compress=True)], ids=["binary", "base64", "zlib"])
def test_receive_32_mib_from_a_file_keeps_the_heap_small(keys, partner_of, tmp_path, opts):
    # given a 32 MiB signed and encrypted message spooled to disk by the web server
    line = b"PO1*1*10*EA*9.95**BP*WIDGET-1~\r\n"
    payload = line * (32 * MIB // len(line))
    msg = build_outbound(payload, as2_from="PEER", as2_to="TSUNAGI", our_key=keys.peer.key, our_cert=keys.peer.cert,
                         partner_cert=keys.ours.cert, **opts)
    body = tmp_path / "body.bin"
    body.write_bytes(msg.body)
    expected_size, headers = len(payload), msg.headers
    del payload, msg
    # when it is received from the path
    tracemalloc.start()
    try:
        res = parse_inbound(headers, str(body), resolve_partner=lambda f, t: partner_of(),
                            our_key=keys.ours.key, our_cert=keys.ours.cert, spool_dir=str(tmp_path))
        res.payload.save(tmp_path / "payload.out")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # then the payload arrives whole while the heap stayed well below its size
    assert (tmp_path / "payload.out").stat().st_size == expected_size
    assert peak < 16 * MIB, f"heap peak {peak / MIB:.1f} MiB"
