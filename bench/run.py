"""Run every benchmark under bench/ (``make bench``) and print their ``BENCH name value unit`` lines.

Each ``bench/bench_*.py`` is a standalone script run in its own process (so peak-memory figures
are its own). ``python bench/run.py edifact x12`` runs only the named ones. Results are also
appended, with the date and commit, to ``bench/out/results.txt`` for comparison over time.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in argv]
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    failed = []
    lines: list[str] = []
    for script in scripts:
        print(f"# {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        for line in proc.stdout.splitlines():
            if line.startswith("BENCH "):
                print(line, flush=True)
                lines.append(line)
        if proc.returncode != 0:
            failed.append(script.name)
            sys.stderr.write(proc.stderr[-4000:])
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    with open(out_dir / "results.txt", "a") as fh:
        for line in lines:
            fh.write(f"{stamp} {commit} {line}\n")
    if failed:
        print(f"# failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
