"""Coverage-guided fuzzing (atheris, libFuzzer) of the X12, EDIFACT and SAP IDoc readers.

The contract under test: whatever the bytes, a reader either yields results or raises a subclass
of ``EdiError``. Any other exception (IndexError, UnicodeDecodeError, RecursionError, lxml's own
errors...) is a crash and libFuzzer stops with the input saved under ``-artifact_prefix``. What a
reader emits without a warning must also satisfy the canonical contract, and an acknowledgement
can always be built for what was read (the same promises as tests/edi/test_*_fuzz.py).

    python -m tests.fuzz.harness x12 -runs=100000 -max_len=8192 CORPUS_DIR
    python -m tests.fuzz.harness seeds x12 CORPUS_DIR     # write the seed corpus

Seeds: the sample interchanges under tests/edi/samples, and for IDoc the IDoc XML the writer
makes of the documents read from those samples. Pure Python, no Django (the codecs import none).
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "edi" / "samples"
IDOC_MAX_BYTES = 1 << 20


def _x12(data: bytes) -> None:
    from edi.codecs.base import EdiError, InterchangeResult, MessageResult
    from edi.codecs.canonical import validate_document
    from edi.codecs.x12 import ack_for, read

    clean: list[dict] = []
    try:
        for result in read(io.BytesIO(data), chunk_size=512 if len(data) % 2 else 1 << 20):
            if isinstance(result, MessageResult):
                if result.document is not None and not any(i.severity == "warning" for i in result.issues):
                    clean.append(result.document)
            else:
                assert isinstance(result, InterchangeResult)
                # what the pipeline maps (messages without findings of an interchange it does not
                # reject) keeps the canonical contract; a rejected envelope's messages are never used
                if result.status != "rejected":
                    for doc in clean:
                        assert validate_document(doc) == [], doc
                clean = []
                for doc in ack_for(result):
                    assert validate_document(doc) == [], doc
    except EdiError:
        pass


def _edifact(data: bytes) -> None:
    from edi.codecs import edifact
    from edi.codecs.base import EdiError, InterchangeResult, MessageResult

    try:
        for result in edifact.read(io.BytesIO(data), chunk_size=512 if len(data) % 2 else 1 << 20):
            assert isinstance(result, (MessageResult, InterchangeResult))
            if isinstance(result, InterchangeResult):
                edifact.contrl_for(result, id="1", issued="2026-01-01")
    except EdiError:
        pass


def _idoc(data: bytes) -> None:
    from edi.codecs import idoc
    from edi.codecs.base import EdiError
    from edi.codecs.canonical import validate_document

    try:
        for doc in idoc.read_documents(data, max_bytes=IDOC_MAX_BYTES):
            assert isinstance(doc, dict) and doc.get("type"), doc
            validate_document(doc)  # must not raise: problems are reported, not thrown
    except EdiError:
        pass


TARGETS = {"x12": _x12, "edifact": _edifact, "idoc": _idoc}


def check(target: str, data: bytes) -> None:
    """One input through one reader (also what the quick pytest replays)."""
    TARGETS[target](data)


def seeds(target: str) -> list[bytes]:
    from edi import codecs

    samples = [p.read_bytes() for p in sorted(SAMPLES.iterdir()) if p.suffix in (".x12", ".edi", ".ped")]
    by_standard: dict[str, list[bytes]] = {"x12": [], "edifact": []}
    for data in samples:
        try:
            by_standard[codecs.detect(data[:4096])].append(data)
        except Exception:  # noqa: BLE001, S112 - a sample of another kind is simply not a seed
            continue
    if target != "idoc":
        return by_standard[target]
    from edi.codecs import idoc
    from edi.codecs.base import MessageResult

    out = []
    for data in by_standard["x12"] + by_standard["edifact"]:
        try:
            docs = [r.document for r in codecs.read(io.BytesIO(data)) if isinstance(r, MessageResult) and r.document]
        except Exception:  # noqa: BLE001, S112 - a sample the readers refuse seeds nothing
            continue
        by_type: dict[str, list[dict]] = {}
        for doc in docs:
            by_type.setdefault(doc["type"], []).append(doc)
        for group in by_type.values():
            try:
                out.append(idoc.write_documents(group))
            except Exception:  # noqa: BLE001, S112 - no IDoc form for this type
                continue
    return out


def write_seeds(target: str, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    items = seeds(target)
    for data in items:
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
    return len(items)


def main(argv: list[str]) -> None:
    if argv[1] == "seeds":
        print(write_seeds(argv[2], Path(argv[3])))
        return
    import atheris

    target = argv[1]
    with atheris.instrument_imports(include=["edi.codecs"]):
        import edi.codecs.edifact
        import edi.codecs.idoc
        import edi.codecs.x12  # noqa: F401
    atheris.Setup([argv[0]] + argv[2:], lambda data: check(target, data))
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main(sys.argv)
