"""Pipeline throughput: 10,000 inbound ASN interchanges (EDIFACT DESADV, one ASN each) dropped at
once into a partner's folder, claimed by the poller and processed by Celery workers on Redis into
PostgreSQL (parse, validate, map to an ASN, hand to the ERP as a JSON file), with 1 and with 2
worker processes (``--concurrency=1`` each). Exactly-once is checked by counting at the end.

    BENCH pipeline_receive_<w>w <n> files/s           poller: claim, archive, record, queue
    BENCH pipeline_docs_per_second_<w>w <n> docs/s    drop to the last interchange processed
    BENCH pipeline_seconds_<w>w <s> s
    BENCH pipeline_worker_cpu_ms_per_doc_<w>w <ms> ms    CPU of the worker processes per document:
                                                        the cost that does not depend on what else
                                                        the (shared) machine is doing

``PIPELINE_DOCS`` changes the batch (default 10,000). Exits 1 when anything was lost or doubled.

    .venv/bin/python bench/bench_pipeline.py [1 2]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DOCS = int(os.environ.get("PIPELINE_DOCS", "10000"))


def one(workers: int) -> int:
    from bench.pipeline_rig import Rig

    rig = Rig(f"pipeline_{workers}w")
    try:
        rig.setup()
        rig.drop(DOCS)
        for k in range(workers):
            rig.start_worker(f"worker{k + 1}")
        rig.wait_worker_ready()
        names = [f"worker{k + 1}" for k in range(workers)]
        cpu_before = sum(rig.cpu_seconds(name) for name in names)
        from edi.services.poll import poll_folders

        started = time.monotonic()
        received = poll_folders(settle_seconds=0)["received"]  # what beat's edi-poll-folders task does
        receive_seconds = time.monotonic() - started
        assert received == DOCS, received
        rig.wait_processed(timeout=max(600, DOCS * 0.5))
        total = time.monotonic() - started
        worker_cpu = sum(rig.cpu_seconds(name) for name in names) - cpu_before
        problems = rig.verdict()
        print(f"BENCH pipeline_receive_{workers}w {DOCS / receive_seconds:.0f} files/s")
        print(f"BENCH pipeline_docs_per_second_{workers}w {DOCS / total:.1f} docs/s")
        print(f"BENCH pipeline_seconds_{workers}w {total:.0f} s")
        print(f"BENCH pipeline_worker_cpu_ms_per_doc_{workers}w {worker_cpu * 1000 / DOCS:.1f} ms", flush=True)
        if problems:
            print(f"# {workers} worker(s): {problems}", file=sys.stderr)
            return 1
        return 0
    finally:
        rig.cleanup(keep=bool(os.environ.get("BENCH_KEEP")))


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        return one(int(argv[1]))
    failed = 0
    for workers in [int(a) for a in argv] or [1, 2]:
        # one process per run: a fresh Django on a fresh database
        proc = subprocess.run([sys.executable, __file__, "--one", str(workers)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
        failed |= proc.returncode
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
