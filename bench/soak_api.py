"""API fuzz soak: schemathesis over every documented operation with 100 generated requests each
(``API_FUZZ_EXAMPLES``), as a supplier user's key and as an ERP read key (tests/fuzz/test_api_fuzz.py),
and as an ERP write key (tests/erp/test_schemathesis.py, ``ERP_API_FUZZ_EXAMPLES``, 100 too; its
checks also hold response bodies to the schema and want invalid requests refused). No 5xx,
documented status codes and content types only.

    BENCH api_fuzz_operations <n> tests        operation x caller pairs run
    BENCH api_fuzz_failures <n> tests          expected 0

Runs on its own test database (``SOAK_DATABASE_URL``, default ``tsunagi_soak`` -> ``test_tsunagi_soak``); exits 1 on
any failure. The whole pytest output (each failure with the request that caused it) is kept in
``bench/out/soak_api.log``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    examples = os.environ.get("API_FUZZ_EXAMPLES", "100")
    env = {**os.environ, "API_FUZZ_EXAMPLES": examples,
           "ERP_API_FUZZ_EXAMPLES": os.environ.get("ERP_API_FUZZ_EXAMPLES", examples),
           "DATABASE_URL": os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tsunagi_soak"),
           "CACHE_URL": "locmemcache://", "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "memory://")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/fuzz/test_api_fuzz.py", "tests/erp/test_schemathesis.py",
                           "-q", "-p", "no:cacheprovider", "-p", "xdist", "-n", "0", "--create-db"], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    log = ROOT / "bench" / "out" / "soak_api.log"  # every failure's request, to reproduce it
    log.parent.mkdir(exist_ok=True)
    log.write_text(proc.stdout + proc.stderr)
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", tail)) else 0
    failed = sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)", tail))
    print(f"BENCH api_fuzz_operations {passed + failed} tests")
    print(f"BENCH api_fuzz_failures {failed} tests", flush=True)
    if proc.returncode:
        sys.stderr.write(proc.stdout[-5000:] + f"\n# the whole output: {log}\n")
    return 1 if proc.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
