"""Time and memory of receiving one big AS2 message (not a test; run by hand).

    .venv/bin/python tests/edi/as2/bench_receive.py --mb 100 [--compress] [--cte base64]

Builds a signed + encrypted message with build_outbound, writes the body to a temp file,
then runs parse_inbound on the *path* in a fresh child process and reports wall time,
Python heap peak (tracemalloc) and the child's peak RSS (VmHWM, which includes the
mapped file pages it touched: page cache the kernel can drop, not heap).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))


def _vm(field: str) -> int:
    """A /proc/self/status value in KiB (VmHWM: peak resident set since exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(args: argparse.Namespace) -> None:
    import tracemalloc

    from edi.transports.as2 import Partner, build_mdn, load_cert, load_key, parse_inbound

    d = Path(args.dir)
    headers = json.loads((d / "headers.json").read_text())
    partner = Partner("PEER", signing_certs=[load_cert(d / "PEER.crt")])
    key, cert = load_key(d / "TSUNAGI.key"), load_cert(d / "TSUNAGI.crt")
    base_rss = _vm("VmHWM")
    if args.trace:
        tracemalloc.start()
    t = time.perf_counter()
    res = parse_inbound(headers, str(d / "body.bin"), resolve_partner=lambda f, to: partner, our_key=key,
                        our_cert=cert, spool_dir=str(d))
    t_parse = time.perf_counter() - t
    res.payload.save(d / "payload.out")
    build_mdn(res, our_key=key, our_cert=cert)
    t_all = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if args.trace else None
    print(json.dumps({
        "parse_s": round(t_parse, 2), "parse_save_mdn_s": round(t_all, 2),
        "python_heap_peak_mib": None if peak is None else round(peak / 2**20, 1),
        "rss_peak_before_mib": round(base_rss / 1024, 1),
        "rss_peak_mib": round(_vm("VmHWM") / 1024, 1),
        "payload_bytes": res.payload.size, "layers": res.layers,
    }))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=100)
    ap.add_argument("--compress", action="store_true")
    ap.add_argument("--cte", default="binary")
    ap.add_argument("--trace", action="store_true", help="tracemalloc (slower)")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--dir")
    args = ap.parse_args()
    if args.child:
        return child(args)
    import peer

    from edi.transports.as2 import build_outbound

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        ours, them = peer.genkey_ours(d, "TSUNAGI"), peer.genkey_ours(d, "PEER")
        line = b"PO1*1*10*EA*9.95**BP*WIDGET-1~\r\n"
        payload = line * (args.mb * 2**20 // len(line))
        msg = build_outbound(payload, as2_from="PEER", as2_to="TSUNAGI", our_key=them.key, our_cert=them.cert,
                             partner_cert=ours.cert, compress=args.compress, cte=args.cte)
        del payload
        (d / "body.bin").write_bytes(msg.body)
        (d / "headers.json").write_text(json.dumps(msg.headers))
        print(f"body {len(msg.body) / 2**20:.1f} MiB on disk", file=sys.stderr)
        del msg
        for trace in (False, True):
            cmd = [sys.executable, __file__, "--child", "--dir", tmp] + (["--trace"] if trace else [])
            print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
