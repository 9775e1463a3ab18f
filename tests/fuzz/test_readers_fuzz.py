"""Quick coverage-guided fuzz runs of the X12, EDIFACT and IDoc readers (a few thousand inputs
each; ``FUZZ_RUNS`` raises it, and bench/soak_fuzz.py runs 100,000 and more per reader).

Any exception other than an ``EdiError`` subclass fails the run; libFuzzer leaves the input that
did it in the artifact folder, shown in the failure. Inputs that once crashed a reader are kept
under tests/fuzz/regressions/<reader>/ and replayed on every run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz.harness import TARGETS, check, write_seeds

ROOT = Path(__file__).resolve().parents[2]
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
RUNS = int(os.environ.get("FUZZ_RUNS", "2500"))


def fuzz(target: str, tmp_path: Path, runs: int) -> subprocess.CompletedProcess:
    corpus, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    artifacts.mkdir()
    assert write_seeds(target, corpus) >= 5
    return subprocess.run(
        [sys.executable, "-m", "tests.fuzz.harness", target, f"-runs={runs}", "-max_len=8192", "-timeout=30",
         "-rss_limit_mb=2048", "-seed=9", f"-artifact_prefix={artifacts}/", str(corpus)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
    )


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_reader_raises_only_typed_errors(target, tmp_path):
    result = fuzz(target, tmp_path, RUNS)
    crashes = sorted((tmp_path / "artifacts").iterdir())
    assert result.returncode == 0 and not crashes, (
        f"{target}: {[str(c) for c in crashes]}\n{result.stderr[-4000:]}")
    done = re.search(r"Done (\d+) runs", result.stderr)
    assert done and int(done.group(1)) >= RUNS, result.stderr[-2000:]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_inputs_that_once_crashed_stay_fixed(target):
    for path in sorted((REGRESSIONS / target).glob("*")) if (REGRESSIONS / target).is_dir() else []:
        check(target, path.read_bytes())


def test_the_harness_lets_untyped_errors_through_and_only_those(monkeypatch):
    from edi.codecs import idoc
    from edi.codecs.base import EdiSyntaxError

    def broken(data, **kwargs):
        raise IndexError("a reader bug")

    monkeypatch.setattr(idoc, "read_documents", broken)
    with pytest.raises(IndexError):
        check("idoc", b"<IDOC/>")

    def refusing(data, **kwargs):
        raise EdiSyntaxError("not an IDoc")

    monkeypatch.setattr(idoc, "read_documents", refusing)
    check("idoc", b"<IDOC/>")  # a typed error is the reader doing its job
