"""The command-line translator behind ``manage.py edi translate`` and ``edi validate``.

No database: it reads a file (or standard input), writes canonical documents or an interchange on
standard output and one line per finding on standard error (``error: ...`` / ``warning: ...``).
Never a traceback for bad input.

Exit status:

- ``0`` valid: everything read translated (``validate``: the interchange would be accepted);
- ``1`` invalid: the input was read but has errors, or a document cannot be written in the
  target standard. ``translate`` still writes what did translate;
- ``2`` unreadable: the input cannot be opened, is empty, or is not EDIFACT, X12, canonical JSON
  or IDoc XML at all (``validate`` says ``1`` for content, ``2`` only when there is no input);
- ``3`` a bug in the engine (reported in one line, never as a traceback).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from edi import codecs
from edi.codecs.base import CanonicalError, EdiError, InterchangeResult, MessageResult

OK, INVALID, UNREADABLE, INTERNAL = 0, 1, 2, 3
TARGETS = ("json", "x12", "edifact", "idoc")
DEFAULT_SENDER, DEFAULT_RECEIVER = "TSUNAGI", "PARTNER"
_HEAD = 4096


class InputError(Exception):
    """The input cannot be used at all (missing file, empty, unknown format, bad JSON)."""


class _Findings:
    """Writes findings to stderr, one line each, and counts the errors."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.errors = 0

    def error(self, text: str) -> None:
        self.errors += 1
        self.err.write(f"error: {_one_line(text)}\n")

    def issue(self, issue: Any) -> None:
        text = _one_line(str(issue))
        if getattr(issue, "severity", "error") == "warning":
            self.err.write(text if text.startswith("warning: ") else f"warning: {text}")
            self.err.write("\n")
        else:
            self.error(text)


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "unknown error"


def open_input(name: str, stdin: BinaryIO | None = None) -> BinaryIO:
    """The named file opened for binary reading, or standard input for ``-``."""
    if name == "-":
        if stdin is not None:
            return stdin
        import sys

        return sys.stdin.buffer
    if os.path.isdir(name):
        raise InputError(f"{name}: is a directory, not a file")
    try:
        return open(name, "rb")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def _sniff(stream: BinaryIO) -> tuple[str, bytes]:
    """(kind, first bytes) of a stream: "edifact" | "x12" | "json" | "idoc"."""
    try:
        head = stream.read(_HEAD)
    except OSError as exc:
        raise InputError(f"the input cannot be read ({exc.strerror or exc})") from None
    if isinstance(head, str):
        raise InputError("the input must be read in binary mode")
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise InputError("the input is empty")
    try:
        return codecs.detect(head), head
    except EdiError as exc:
        raise InputError(f"{exc} (it starts with {head[:24]!r})") from None


def _rest(head: bytes, stream: BinaryIO) -> bytes:
    try:
        return head + stream.read()
    except OSError as exc:
        raise InputError(f"the input cannot be read ({exc.strerror or exc})") from None


def canonical_documents(data: bytes) -> list[dict[str, Any]]:
    """Canonical JSON as documents: one object, an array of them, or one object per line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"canonical JSON must be UTF-8: byte {data[exc.start:exc.start + 1]!r} "
                         f"at offset {exc.start} is not") from None
    try:
        value = json.loads(text)
        docs = value if isinstance(value, list) else [value]
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise InputError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        docs = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                docs.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise InputError(f"invalid JSON at line {n} column {e.colno}: {e.msg} (one document "
                                 "per line, or one object, or an array of objects)") from None
    for n, doc in enumerate(docs, start=1):
        if not isinstance(doc, dict):
            raise InputError(f"document {n} is a JSON {type(doc).__name__}, not an object")
    if not docs:
        raise InputError("the JSON holds no document")
    return docs


def _idoc(purpose: str = "IDoc XML is not supported by this installation"):
    import importlib

    try:
        idoc = importlib.import_module("edi.codecs.idoc")
    except ModuleNotFoundError as exc:
        if exc.name == "edi.codecs.idoc":
            raise InputError(f"{purpose}: the SAP IDoc codec (edi/codecs/idoc/) is not "
                             "installed") from None
        raise
    return idoc


def _checked(docs: Iterable[dict[str, Any]], findings: _Findings, what: str) -> list[dict[str, Any]]:
    from edi.codecs.canonical import validate_document

    good = []
    for n, doc in enumerate(docs, start=1):
        problems = validate_document(doc)
        label = f"{what} {n} ({doc.get('type', 'no type')} {doc.get('id', '')})".replace(" )", ")")
        for problem in problems:
            findings.error(f"{label}: {problem}")
        if not problems:
            good.append(doc)
    return good


ACK_TYPES = frozenset({"CONTRL", "997", "999", "TA1"})


def _edi_documents(stream: BinaryIO, findings: _Findings,
                   results: list[tuple[InterchangeResult, set[str]]] | None = None,
                   ) -> Iterator[dict[str, Any]]:
    """The canonical documents of an EDIFACT or X12 stream, as they are read; findings reported.

    ``results`` collects each interchange's result with the message types it held.
    """
    types: set[str] = set()
    for item in codecs.read(stream):
        for issue in item.issues:
            findings.issue(issue)
        if isinstance(item, MessageResult):
            types.add(item.message_type)
            if item.document is not None and item.accepted:
                yield item.document
        else:
            if results is not None:
                results.append((item, types))
            types = set()


def translate(stream: BinaryIO, *, to: str = "json", sender: str | None = None,
              receiver: str | None = None, control_number: str = "1", out: BinaryIO,
              err: TextIO) -> int:
    """Translate ``stream`` to ``to``; returns the exit status (see the module docstring)."""
    findings = _Findings(err)
    try:
        if to not in TARGETS:
            raise InputError(f"--to {to!r}: choose one of {', '.join(TARGETS)}")
        kind, head = _sniff(stream)
        if kind == "json":
            docs: Iterable[dict[str, Any]] = _checked(canonical_documents(_rest(head, stream)),
                                                      findings, "document")
        elif kind == "idoc":
            docs = _checked(_idoc().read_documents(_rest(head, stream)), findings, "IDoc document")
        else:
            docs = _edi_documents(codecs.prepend(head, stream), findings)
            if to in ("x12", "edifact") and to != kind:
                docs = _without_acks(docs, findings, kind)
        written = _emit(docs, to=to, sender=sender, receiver=receiver,
                        control_number=control_number, out=out)
        if not written and not findings.errors:
            findings.error("the input holds no document to translate")
        return INVALID if findings.errors else OK
    except InputError as exc:
        findings.error(str(exc))
        return UNREADABLE
    except EdiError as exc:
        return _edi_error(exc, findings)
    except BrokenPipeError:
        raise  # the reader of the output went away: the command stops quietly
    except Exception as exc:  # noqa: BLE001 - the command line never shows a traceback
        findings.error(f"internal error, please report it: {type(exc).__name__}: {exc}")
        return INTERNAL


def _without_acks(docs: Iterable[dict[str, Any]], findings: _Findings, source: str) -> Iterator[dict[str, Any]]:
    """Business documents pass; acknowledgements do not cross standards.

    A 997/999 carries X12 error codes (AK3/AK4/IK5...) and a CONTRL the 0085 syntax codes: the
    same number means different things, so a translated acknowledgement would lie.
    """
    for doc in docs:
        if doc.get("type") == "functional_ack":
            what = "997/999" if source == "x12" else "CONTRL"
            findings.error(f"{what} {doc.get('acknowledged', '')}: acknowledgements are not "
                           "translated across standards (their error codes differ); "
                           "`edi validate` writes the acknowledgement we would send")
            continue
        yield doc


def _edi_error(exc: EdiError, findings: _Findings) -> int:
    findings.error(str(exc))
    for issue in exc.issues:
        findings.issue(issue)
    # a document that cannot be written in the target standard is invalid for it; anything
    # else raised by a reader means the bytes are not a readable interchange
    return INVALID if isinstance(exc, CanonicalError) else UNREADABLE


def _emit(docs: Iterable[dict[str, Any]], *, to: str, sender: str | None, receiver: str | None,
          control_number: str, out: BinaryIO) -> int:
    """Write the documents in the target form; returns how many were written."""
    if to == "json":
        n = 0
        for doc in docs:  # streamed: one line as soon as each message is read
            out.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
            n += 1
        return n
    docs = list(docs)
    if not docs:
        return 0
    if to == "idoc":
        out.write(_idoc("--to idoc is not available").write_documents(docs))
        return len(docs)
    # the envelope: as asked, else the input's own parties
    sender = sender or docs[0].get("sender") or DEFAULT_SENDER
    receiver = receiver or docs[0].get("receiver") or DEFAULT_RECEIVER
    number = str(control_number)
    prepared = [{**d, "sender": sender, "receiver": receiver, "control_number": number} for d in docs]
    if to == "x12":
        if not (number.isascii() and number.isdigit() and len(number) <= 9):
            raise InputError(f"--control-number {number!r}: X12 needs 1 to 9 digits")
        for option, value in (("--sender", sender), ("--receiver", receiver)):
            if len(value) > 15:
                raise CanonicalError(f"{value!r} is longer than the 15 characters of an X12 "
                                     f"interchange id: give {option}")
        data = codecs.write(prepared, standard="x12", sender=sender, receiver=receiver,
                            control_number=int(number))
    else:
        data = codecs.write(prepared, standard="edifact", sender=sender, receiver=receiver,
                            control_number=number)
    out.write(data if data.endswith(b"\n") else data + b"\n")
    return len(docs)


def acknowledgements(results: Iterable[InterchangeResult]) -> Iterator[bytes]:
    """The CONTRL / 997 / 999 interchanges answering each interchange read."""
    for result in results:
        env = result.envelope
        # we answer the sender: the ack goes from the interchange's receiver back to it
        ours = env.receiver or "RECEIVER"
        theirs = env.sender or "SENDER"
        if env.standard == "x12":
            from edi.codecs.x12 import ack_for

            version = "00501" if (env.syntax or "").startswith("005") else "00401"
            docs = ack_for(result, version=version)
            if docs:
                yield codecs.write(docs, standard="x12", sender=ours[:15], receiver=theirs[:15],
                                   sender_qualifier=env.receiver_qualifier or "ZZ",
                                   receiver_qualifier=env.sender_qualifier or "ZZ",
                                   control_number=1, version=version)
        else:
            from edi.codecs.edifact import contrl_for

            yield codecs.write([contrl_for(result)], standard="edifact", sender=ours[:35],
                               receiver=theirs[:35], control_number="1")


def validate(stream: BinaryIO, *, out: BinaryIO, err: TextIO) -> int:
    """Report every finding on ``err`` and write the acknowledgement(s) on ``out``.

    0 when every interchange would be accepted, 1 otherwise. Canonical JSON and IDoc XML are
    checked against the canonical contract; they have no acknowledgement.
    """
    findings = _Findings(err)
    try:
        kind, head = _sniff(stream)
        if kind in ("json", "idoc"):
            data = _rest(head, stream)
            docs = canonical_documents(data) if kind == "json" else _idoc().read_documents(data)
            _checked(docs, findings, "document")
            return INVALID if findings.errors else OK
        results: list[tuple[InterchangeResult, set[str]]] = []
        for _doc in _edi_documents(codecs.prepend(head, stream), findings, results):
            pass
        answered = []
        for result, types in results:
            if types and types <= ACK_TYPES:
                # acknowledgements are never acknowledged (the pipeline does the same)
                err.write(f"note: interchange {result.envelope.control_number} holds only "
                          f"acknowledgements ({', '.join(sorted(types))}): none is sent for it\n")
            else:
                answered.append(result)
        err.flush()
        out.writelines(ack if ack.endswith(b"\n") else ack + b"\n" for ack in acknowledgements(answered))
        rejected = any(r.status != "accepted" for r, _types in results)
        return INVALID if findings.errors or rejected or not results else OK
    except (InputError, EdiError) as exc:
        if isinstance(exc, EdiError):
            _edi_error(exc, findings)
        else:
            findings.error(str(exc))
        return INVALID
    except BrokenPipeError:
        raise  # the reader of the output went away: the command stops quietly
    except Exception as exc:  # noqa: BLE001 - the command line never shows a traceback
        findings.error(f"internal error, please report it: {type(exc).__name__}: {exc}")
        return INTERNAL


def run(action: str, name: str, *, out: BinaryIO, err: TextIO, stdin: BinaryIO | None = None,
        **options: Any) -> int:
    """Open ``name`` (``-`` for standard input) and run ``translate`` or ``validate`` on it."""
    try:
        stream = open_input(name, stdin)
    except InputError as exc:
        err.write(f"error: {exc}\n")
        return UNREADABLE
    try:
        if action == "translate":
            return translate(stream, out=out, err=err, **options)
        return validate(stream, out=out, err=err)
    finally:
        if name != "-":
            stream.close()


__all__ = ["INTERNAL", "INVALID", "OK", "UNREADABLE", "acknowledgements", "canonical_documents",
           "open_input", "run", "translate", "validate"]
