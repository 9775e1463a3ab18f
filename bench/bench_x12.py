"""X12 codec benchmarks: inbound translation speed and the reader's peak memory.

    .venv/bin/python bench/bench_x12.py [--sets 5000] [--big-mb 100] [--skip-rss]

Prints ``BENCH <name> <value> <unit>`` lines:
- translate speed (parse + validate + map to canonical) of a deterministic 5,000-set 856
  interchange generated with the writer, best of 3 runs on one core;
- peak RSS of a subprocess that reads a 100 MB 856 interchange, and one of 4x that size (memory
  must not grow with input size), measured with resource.getrusage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edi.codecs.base import MessageResult  # noqa: E402
from edi.codecs.x12 import read, write  # noqa: E402

HEAD = {"sender": "BUYERCO", "receiver": "SUPPLIERCO", "control_number": "000000001"}


def asn(i: int) -> dict:
    """A realistic electronics ASN: one order, a pallet with two cartons, six serialised lines."""
    lines, cartons = [], []
    for n in range(1, 7):
        lines.append({"line": str(n), "buyer_part": f"CAP-{i % 97:03d}-{n}",
                      "supplier_part": f"GRM188R71H{n}04KA93D", "gtin": f"04006381{n:05d}",
                      "description": "MLCC 100nF 50V X7R 0603", "quantity": str(100 * n),
                      "unit": "EA", "order": f"PO{i:07d}", "order_line": str(n),
                      "lot": f"L{i:06d}{n}", "serials": [f"SN{i:07d}{n}{k}" for k in range(2)]})
    for c in range(2):
        cartons.append({"id": f"C{c + 1}", "parent": "PAL", "type": "CTN25",
                        "sscc": f"00340123450{i:06d}{c}",
                        "lines": [str(n) for n in range(1 + 3 * c, 4 + 3 * c)]})
    return {"type": "despatch_advice", **HEAD, "id": f"ASN{i:08d}", "issued": "2024-05-02",
            "shipped": "2024-05-02", "expected_delivery": "2024-05-06",
            "supplier": {"id": "0614141000005", "qualifier": "UL", "name": "Murata Europe"},
            "ship_to": {"id": "4012345000009", "qualifier": "UL", "name": "Plant Nagoya"},
            "buyer": {"name": "Tsunagi Electronics"}, "carrier": {"id": "DHLC", "name": "DHL"},
            "tracking": f"JD0146000{i:08d}", "order": f"PO{i:07d}", "lines": lines,
            "packages": [{"id": "PAL", "type": "PLT94", "sscc": f"00340123459{i:06d}9"},
                         *cartons]}


def interchange(sets: int) -> bytes:
    return write((asn(i) for i in range(sets)), **HEAD, date=dt.datetime(2024, 5, 2, 8, 0))


def translate(data: bytes) -> tuple[int, int]:
    docs = rejected = 0
    for r in read(io.BytesIO(data)):
        if isinstance(r, MessageResult):
            docs += r.document is not None
            rejected += not r.accepted
    return docs, rejected


def big_file(path: str, megabytes: int) -> int:
    """Write one 856 interchange of about ``megabytes`` MB without holding it in memory."""
    one = interchange(1).decode()
    head, _, rest = one.partition("ST*856*")
    body = "ST*856*" + rest[: rest.index("GE*")]
    body = body[body.index("~") + 1:]  # without its ST
    body = body[: body.rindex("SE*")]  # without its SE
    nsegs = body.count("~") + 2
    target = megabytes * 1_000_000
    written = n = 0
    with open(path, "w", encoding="ascii") as f:
        f.write(head)
        while written < target:
            n += 1
            ref = f"{n:09d}"
            block = f"ST*856*{ref}~{body}SE*{nsegs}*{ref}~"
            f.write(block)
            written += len(block)
        f.write(f"GE*{n}*1~IEA*1*000000001~")
    return n


RSS_SCRIPT = """
import resource, sys
sys.path.insert(0, {root!r})
from edi.codecs.x12 import read
from edi.codecs.base import MessageResult
docs = 0
for r in read(open({path!r}, 'rb')):
    if isinstance(r, MessageResult):
        docs += r.document is not None and r.accepted
    else:
        assert r.status == 'accepted', [str(i) for i in r.issues[:3]]
hwm = 0
with open('/proc/self/status') as f:  # this process image only (ru_maxrss may include the parent's)
    for row in f:
        if row.startswith('VmHWM:'):
            hwm = int(row.split()[1])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(docs, usage.ru_maxrss, hwm, usage.ru_utime + usage.ru_stime)
"""


def peak_rss(path: str) -> tuple[int, float, float, float]:
    """Sets read, ru_maxrss and VmHWM (MB), CPU seconds of a fresh interpreter reading ``path``.

    Run before this process grows: on Linux a child's ru_maxrss starts from its parent's
    high-water mark at fork, so a big parent would inflate it.
    """
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", RSS_SCRIPT.format(root=root, path=path)],
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024, int(out[2]) / 1024, float(out[3])  # KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", type=int, default=5000)
    ap.add_argument("--big-mb", type=int, default=100)
    ap.add_argument("--skip-rss", action="store_true")
    args = ap.parse_args()

    if not args.skip_rss:  # first, while this process is small (see peak_rss)
        hwms: list[float] = []
        with tempfile.TemporaryDirectory() as tmp:
            for factor in (1, 4):
                path = os.path.join(tmp, f"big{factor}.x12")
                sets = big_file(path, args.big_mb * factor)
                size = os.path.getsize(path) / 1e6
                docs, rss, hwm, secs = peak_rss(path)  # CPU time, start-up included
                assert docs == sets, (docs, sets)
                print(f"BENCH x12_856_{size:.0f}MB_peak_rss {rss:.1f} MB")
                print(f"BENCH x12_856_{size:.0f}MB_vmhwm {hwm:.1f} MB")
                print(f"BENCH x12_856_{size:.0f}MB_translate {size / secs:.2f} MB/s")
                hwms.append(hwm)
                os.remove(path)
        # target: 4x the input costs less than 1.2x the memory
        print(f"BENCH x12_856_stream_4x_input_memory_ratio {hwms[1] / hwms[0]:.2f} x", flush=True)

    t0 = time.process_time()
    data = interchange(args.sets)
    write_s = time.process_time() - t0
    mb = len(data) / 1e6
    best = float("inf")
    for _ in range(3):
        # CPU time of this process: one core's speed, not the load of a shared machine
        t0 = time.process_time()
        docs, rejected = translate(data)
        best = min(best, time.process_time() - t0)
    assert docs == args.sets and rejected == 0, (docs, rejected)
    print(f"BENCH x12_856_interchange_size {mb:.2f} MB")
    print(f"BENCH x12_856_translate {mb / best:.2f} MB/s")
    print(f"BENCH x12_856_translate_sets {args.sets / best:.0f} sets/s")
    print(f"BENCH x12_856_write {mb / write_s:.2f} MB/s")
    # reference in the same run, on the same file: a minimal correct pure-Python tokenizer
    # (segments, elements, components), the floor any X12 parser in Python starts from
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        regex_tokenize(data)
        best = min(best, time.process_time() - t0)
    print(f"BENCH regex_856_tokenize {mb / best:.2f} MB/s")


def regex_tokenize(data: bytes) -> int:
    element, component, term = data[3:4], data[104:105], data[105:106]
    seg = re.compile(rb"[^" + re.escape(term) + rb"]*" + re.escape(term))
    n = 0
    for m in seg.finditer(data):
        for el in m.group()[:-1].split(element):
            el.split(component)
        n += 1
    return n


if __name__ == "__main__":
    main()
