"""Fuzz soak: 100,000 coverage-guided inputs (``FUZZ_RUNS``) through each of the X12, EDIFACT and
IDoc readers with atheris (tests/fuzz/harness.py). Only ``EdiError`` subclasses may escape.

    BENCH fuzz_<reader>_inputs <n> inputs
    BENCH fuzz_<reader>_exec_per_second <n> inputs/s
    BENCH fuzz_<reader>_coverage <n> edges
    BENCH fuzz_<reader>_crashes <n> inputs          0, or the inputs saved under bench/out/fuzz-<reader>/

Exits 1 on any crash. The corpus grows under bench/out/fuzz-<reader>/corpus and is reused by the
next run (a later run starts where this one stopped).

    .venv/bin/python bench/soak_fuzz.py [x12 edifact idoc]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("FUZZ_RUNS", "100000"))


def main(targets: list[str]) -> int:
    from tests.fuzz.harness import TARGETS, write_seeds

    failed = 0
    for target in targets or sorted(TARGETS):
        out = ROOT / "bench" / "out" / f"fuzz-{target}"
        corpus, artifacts = out / "corpus", out / "crashes"
        artifacts.mkdir(parents=True, exist_ok=True)
        write_seeds(target, corpus)
        before = set(artifacts.iterdir())
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "tests.fuzz.harness", target, f"-runs={RUNS}", "-max_len=16384", "-timeout=60",
             "-rss_limit_mb=3072", "-print_final_stats=1", f"-artifact_prefix={artifacts}/", str(corpus)],
            cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
        )
        elapsed = time.monotonic() - started
        (out / "last.log").write_text(proc.stderr[-200_000:])
        done = re.search(r"Done (\d+) runs", proc.stderr)
        cov = re.findall(r"cov: (\d+)", proc.stderr)
        crashes = len(set(artifacts.iterdir()) - before)
        runs = int(done.group(1)) if done else 0
        print(f"BENCH fuzz_{target}_inputs {runs} inputs")
        print(f"BENCH fuzz_{target}_exec_per_second {runs / elapsed:.0f} inputs/s")
        print(f"BENCH fuzz_{target}_coverage {cov[-1] if cov else 0} edges")
        print(f"BENCH fuzz_{target}_crashes {crashes} inputs", flush=True)
        if proc.returncode != 0 or crashes or runs < RUNS:
            failed += 1
            sys.stderr.write(f"# {target}: exit {proc.returncode}, see {out / 'last.log'}\n{proc.stderr[-3000:]}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
