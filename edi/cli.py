"""The command-line translator behind ``manage.py edi translate`` and ``edi validate``.

No database: it reads a file, prints canonical documents or an interchange on stdout and one
line per error on stderr. Exit status 0 when the input is valid, 1 when it is not, 2 when it
cannot be read at all. Never a traceback for bad input.
"""

from __future__ import annotations


import io
import json
from typing import Any, BinaryIO, Iterator, TextIO

from edi import codecs
from edi.codecs.base import EdiError, InterchangeResult, MessageResult

OK, INVALID, UNREADABLE = 0, 1, 2


def _canonical_documents(data: bytes) -> list[dict[str, Any]]:
    text = data.decode("utf-8-sig").strip()
    if text.startswith("["):
        docs = json.loads(text)
    elif "\n" in text and not text.startswith("{\n"):
        docs = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        docs = [json.loads(text)]
    if not all(isinstance(d, dict) for d in docs):
        raise ValueError("canonical JSON must be objects, one per line or an array of them")
    return docs


def _line(issue: Any) -> str:
    text = str(issue)
    severity = getattr(issue, "severity", "error")
    return text if text.startswith(f"{severity}:") else f"{severity}: {text}"


def _read_edi(stream: BinaryIO, err: TextIO) -> tuple[list[dict[str, Any]], list[InterchangeResult], int]:
    docs: list[dict[str, Any]] = []
    results: list[InterchangeResult] = []
    errors = 0
    for item in codecs.read(stream):
        if isinstance(item, MessageResult):
            for issue in item.issues:
                err.write(_line(issue) + "\n")
                errors += getattr(issue, "severity", "error") == "error"
            if item.document is not None and item.accepted:
                docs.append(item.document)
        else:
            results.append(item)
            for issue in item.issues:
                err.write(_line(issue) + "\n")
                errors += getattr(issue, "severity", "error") == "error"
    return docs, results, errors


def translate(stream: BinaryIO, *, to: str, sender: str, receiver: str, control_number: str, out: BinaryIO,
              err: TextIO) -> int:
    try:
        data = stream.read()
        kind = codecs.detect(data[:4096])
        if kind == "json":
            docs = _canonical_documents(data)
            from edi.codecs.canonical import validate_document

            bad = 0
            for n, doc in enumerate(docs, start=1):
                for problem in validate_document(doc):
                    err.write(f"error: document {n}: {problem}\n")
                    bad += 1
            if bad:
                return INVALID
            errors = 0
        elif kind == "idoc":
            from edi.codecs import idoc  # noqa: F401 - arrives with the SAP IDoc integration

            docs, errors = idoc.read_documents(data), 0
        else:
            docs, _results, errors = _read_edi(io.BytesIO(data), err)
        if docs:
            _emit(docs, to=to, sender=sender, receiver=receiver, control_number=control_number, out=out)
        return INVALID if errors or not docs else OK
    except ImportError:
        err.write("error: IDoc XML is not supported by this installation\n")
        return UNREADABLE
    except EdiError as exc:
        err.write(f"error: {exc}\n")
        for issue in exc.issues:
            err.write(f"error: {issue}\n")
        return UNREADABLE
    except (ValueError, UnicodeDecodeError) as exc:
        err.write(f"error: {exc}\n")
        return UNREADABLE


def _emit(docs: list[dict[str, Any]], *, to: str, sender: str, receiver: str, control_number: str,
          out: BinaryIO) -> None:
    if to == "json":
        for doc in docs:
            out.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
        return
    if to == "idoc":
        from edi.codecs import idoc

        out.write(idoc.write_documents(docs))
        return
    prepared = [{**d, "sender": sender, "receiver": receiver, "control_number": str(control_number)} for d in docs]
    if to == "x12":
        out.write(codecs.write(prepared, standard="x12", sender=sender, receiver=receiver,
                               control_number=int(control_number) if str(control_number).isdigit() else 1))
    else:
        out.write(codecs.write(prepared, standard="edifact", sender=sender, receiver=receiver,
                               control_number=str(control_number)))


def acknowledgements(results: list[InterchangeResult]) -> Iterator[bytes]:
    for result in results:
        env = result.envelope
        if env.standard == "x12":
            from edi.codecs.x12 import ack_for

            version = "00501" if (env.syntax or "").startswith("005") else "00401"
            docs = ack_for(result, version=version)
            if docs:
                yield codecs.write(docs, standard="x12", sender=env.receiver or "RECEIVER",
                                   receiver=env.sender or "SENDER", control_number=1, version=version)
        else:
            from edi.codecs.edifact import contrl_for

            yield codecs.write([contrl_for(result)], standard="edifact", sender=env.receiver or "RECEIVER",
                               receiver=env.sender or "SENDER", control_number="1")


def validate(stream: BinaryIO, *, out: BinaryIO, err: TextIO) -> int:
    try:
        data = stream.read()
        kind = codecs.detect(data[:4096])
        if kind in ("json", "idoc"):
            return translate(io.BytesIO(data), to="json", sender="", receiver="", control_number="1",
                             out=io.BytesIO(), err=err)
        _docs, results, errors = _read_edi(io.BytesIO(data), err)
        for ack in acknowledgements(results):
            out.write(ack)
            if not ack.endswith(b"\n"):
                out.write(b"\n")
        rejected = any(r.status != "accepted" for r in results)
        return INVALID if errors or rejected or not results else OK
    except EdiError as exc:
        err.write(f"error: {exc}\n")
        for issue in exc.issues:
            err.write(f"error: {issue}\n")
        return INVALID


__all__ = ["acknowledgements", "translate", "validate"]
