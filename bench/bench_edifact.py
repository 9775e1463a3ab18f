"""Speed and memory check of the EDIFACT codec. Prints ``BENCH <name> <value> <unit>`` lines.

    .venv/bin/python bench/bench_edifact.py            # everything (about two minutes)
    .venv/bin/python bench/bench_edifact.py --quick    # skip the 400 MB streaming run

Inputs are generated deterministically with the codec's own writer: a 5,000-message DESADV
interchange for throughput, and a 100 MB (and 4x 100 MB) DESADV interchange produced lazily for
the streaming memory check, which runs in a fresh subprocess and reports its peak RSS.
"""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edi.codecs import edifact  # noqa: E402
from edi.codecs.base import InterchangeResult, MessageResult  # noqa: E402

ENVELOPE = dict(sender="4012345000009", receiver="5412345000013", control_number="1",
                date="2024-05-06T07:08")


def desadv(n: int) -> dict:
    """One realistic ASN: a pallet with two cartons, four lines, serials and lots."""
    lines = []
    for i in range(1, 5):
        line = {"line": str(i), "buyer_part": f"BP-{n % 997:04d}-{i}",
                "supplier_part": f"SUP{n:06d}{i}", "quantity": f"{(n * 7 + i) % 500 + 1}",
                "unit": "PCE", "order": f"PO{n // 10:07d}", "order_line": str(i)}
        if i % 2:
            line["lot"] = f"LOT{n:05d}{i}"
        if i == 4:
            line["serials"] = [f"SN{n:06d}{k:03d}" for k in range(6)]
        lines.append(line)
    return {
        "type": "despatch_advice", "id": f"ASN{n:08d}", "issued": "2024-05-06",
        "sender": ENVELOPE["sender"], "receiver": ENVELOPE["receiver"], "control_number": "1",
        "shipped": "2024-05-06", "expected_delivery": "2024-05-09", "order": f"PO{n // 10:07d}",
        "supplier": {"id": "4012345000009", "qualifier": "9"},
        "ship_to": {"id": "5412345000020", "name": "Plant 2 receiving"},
        "carrier": {"id": "DHLX", "name": "DHL Freight"}, "tracking": f"TRK{n:09d}",
        "lines": lines,
        "packages": [
            {"id": "2", "sscc": f"3401234{n:011d}", "type": "PX"},
            {"id": "3", "sscc": f"3401235{n:011d}", "type": "CT", "parent": "2", "lines": ["1", "2"]},
            {"id": "4", "sscc": f"3401236{n:011d}", "type": "CT", "parent": "2", "lines": ["3", "4"]},
        ],
    }


def desadv_interchange(count: int) -> bytes:
    return edifact.write((desadv(n) for n in range(count)), **ENVELOPE)


def best_of(fn, repeat: int = 3) -> float:
    """Best CPU time of ``repeat`` runs: one core's speed, not the machine's load."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def translate(data: bytes) -> int:
    docs = 0
    for r in edifact.read(io.BytesIO(data)):
        if isinstance(r, MessageResult) and r.document is not None:
            docs += 1
        elif isinstance(r, InterchangeResult) and r.status != "accepted":
            raise SystemExit(f"benchmark input not accepted: {r.issues[:3]}")
    return docs


_SEG = re.compile(rb"(?:[^'?]|\?.)*'", re.S)


def regex_tokenize(data: bytes) -> int:
    """A minimal correct regex tokenizer (segments, elements, components), for reference."""
    n = 0
    for m in _SEG.finditer(data):
        for el in m.group()[:-1].split(b"+"):
            el.split(b":")
        n += 1
    return n


def main() -> None:
    quick = "--quick" in sys.argv
    # streaming runs first, while this process is small: a child's ru_maxrss starts from the
    # parent's RSS at fork on Linux, so the child also reports VmHWM, which exec resets
    hwm: dict[int, float] = {}
    for size_mb in (100,) if quick else (100, 400):
        out = subprocess.run(
            [sys.executable, __file__, "--stream", str(size_mb)],
            capture_output=True, text=True, check=True,
        )
        print(out.stdout.strip(), flush=True)
        m = re.search(r"_vmhwm (\d+) MB", out.stdout)
        if m:
            hwm[size_mb] = float(m.group(1))
    if 100 in hwm and 400 in hwm:
        # target: 4x the input costs less than 1.2x the memory
        print(f"BENCH edifact_stream_4x_input_memory_ratio {hwm[400] / hwm[100]:.2f} x", flush=True)
    data = desadv_interchange(5000)
    mb = len(data) / 1e6
    print(f"BENCH edifact_desadv_input_size {mb:.1f} MB")
    assert translate(data) == 5000
    t = best_of(lambda: translate(data))
    print(f"BENCH edifact_desadv_translate {mb / t:.1f} MB/s")
    print(f"BENCH edifact_desadv_translate_messages {5000 / t:.0f} msg/s")

    from edi.codecs.edifact.syntax import DEFAULT, Splitter, tokenize

    def tokenize_only() -> None:
        sp = Splitter(io.BytesIO(data), 1 << 20)
        sp.skip(9)
        while (raw := sp.next()) is not None:
            tokenize(raw.decode("latin-1"), DEFAULT)

    t = best_of(tokenize_only)
    print(f"BENCH edifact_desadv_tokenize {mb / t:.1f} MB/s")
    t = best_of(lambda: regex_tokenize(data))
    print(f"BENCH regex_desadv_tokenize {mb / t:.1f} MB/s")

    t = best_of(lambda: edifact.write((desadv(n) for n in range(5000)), **ENVELOPE), repeat=2)
    print(f"BENCH edifact_desadv_write {mb / t:.1f} MB/s")

    import warnings

    from pydifact.segmentcollection import Interchange

    text = data.decode("latin-1")

    def pydifact_parse() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ic = Interchange.from_str(text)
            for _ in ic.segments:
                pass

    t = best_of(pydifact_parse, repeat=1)
    print(f"BENCH pydifact_desadv_parse {mb / t:.1f} MB/s")


class LazyInterchange(io.RawIOBase):
    """A DESADV interchange of about ``size`` bytes, generated as it is read."""

    def __init__(self, size: int) -> None:
        head = edifact.write([desadv(0)], **ENVELOPE)
        unh = head.index(b"UNH+")
        unz = head.rindex(b"UNZ+")
        self.prefix, self.template, self.size = head[:unh], head[unh:unz], size
        assert self.template.startswith(b"UNH+1+") and self.template.endswith(b"+1'")
        self.count = max(1, size // len(self.template))
        self.i = 0
        self.buf = self.prefix
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        while len(self.buf) < len(b) and not self.done:
            if self.i < self.count:
                # the same message each time, with its own reference in UNH and UNT
                ref = str(self.i + 1).encode()
                self.buf += b"UNH+" + ref + self.template[5:-3] + b"+" + ref + b"'"
                self.i += 1
            else:
                self.buf += f"UNZ+{self.count}+1'".encode()
                self.done = True
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n


def stream(size_mb: int) -> None:
    size = size_mb * 1_000_000
    src = io.BufferedReader(LazyInterchange(size), buffer_size=1 << 20)
    t = time.process_time()
    messages = 0
    status = None
    for r in edifact.read(src):
        if isinstance(r, MessageResult):
            messages += 1
            if not r.accepted:
                raise SystemExit(f"message rejected: {r.issues[:3]}")
        else:
            status = r.status
    elapsed = time.process_time() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    hwm = rss
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    print(f"BENCH edifact_stream_{size_mb}mb_peak_rss {rss:.0f} MB")
    print(f"BENCH edifact_stream_{size_mb}mb_vmhwm {hwm:.0f} MB")
    print(f"BENCH edifact_stream_{size_mb}mb_translate {size / 1e6 / elapsed:.1f} MB/s "
          f"({messages} messages, {status})")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--stream":
        stream(int(sys.argv[2]))
    else:
        os.environ.setdefault("PYTHONHASHSEED", "0")
        main()
