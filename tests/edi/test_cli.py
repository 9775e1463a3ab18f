"""``manage.py edi translate`` / ``edi validate``: output, exit status and one line per error.

In-process tests call :mod:`edi.cli` with byte streams; the subprocess tests run the real
command (``python manage.py edi ...``) for what only a process shows: exit status, standard
error without a traceback, standard input, a closed pipe.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

from edi import cli, codecs
from edi.codecs.base import MessageResult
from edi.codecs.canonical import validate_document

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).parent / "samples"
LINE = re.compile(r"(error|warning|note): \S.*\Z")

PO = {"type": "purchase_order", "id": "PO-7", "issued": "2024-03-01", "sender": "BUYER",
      "receiver": "SUPPLIER", "control_number": "1", "purpose": "original", "currency": "EUR",
      "lines": [{"line": "1", "buyer_part": "CAP-100N", "quantity": "4000", "unit": "PCE",
                 "price": "0.012", "delivery_date": "2024-04-01"}]}


# --- helpers -------------------------------------------------------------------------------------

def translate(data: bytes, **options) -> tuple[int, bytes, list[str]]:
    out, err = io.BytesIO(), io.StringIO()
    code = cli.translate(io.BytesIO(data), out=out, err=err, **options)
    return code, out.getvalue(), err.getvalue().splitlines()


def validate(data: bytes) -> tuple[int, bytes, list[str]]:
    out, err = io.BytesIO(), io.StringIO()
    code = cli.validate(io.BytesIO(data), out=out, err=err)
    return code, out.getvalue(), err.getvalue().splitlines()


def documents(data: bytes) -> list[dict]:
    return [r.document for r in codecs.read(io.BytesIO(data))
            if isinstance(r, MessageResult) and r.document is not None]


def json_lines(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode().splitlines()]


def command(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "edi", *args], cwd=ROOT, input=stdin, check=False,
                          capture_output=True, timeout=60, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def stderr_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return proc.stderr.decode().splitlines()


def assert_clean_lines(lines: list[str]) -> None:
    """Every line of standard error is one finding, never a traceback."""
    for line in lines:
        assert LINE.match(line), line
        assert "Traceback" not in line


def x12_of(*docs: dict) -> bytes:
    return codecs.write(list(docs), standard="x12", sender="BUYER", receiver="SUPPLIER", control_number=7)


def edifact_of(*docs: dict) -> bytes:
    return codecs.write(list(docs), standard="edifact", sender="BUYER", receiver="SUPPLIER",
                        control_number="7")


# --- translate: the happy paths ---------------------------------------------------------------------

def test_x12_to_json_writes_one_canonical_document_per_line() -> None:
    # given
    data = (SAMPLES / "bots__850-004010VICS-01.x12").read_bytes()
    # when
    code, out, err = translate(data)
    # then
    assert code == cli.OK and err == []
    docs = json_lines(out)
    assert [d["id"] for d in docs] == [d["id"] for d in documents(data)]
    assert len(docs) == 4 and all(validate_document(d) == [] for d in docs)


@pytest.mark.parametrize("target", ["x12", "edifact"])
def test_json_to_an_interchange_and_back(target: str) -> None:
    # when
    code, out, err = translate(json.dumps(PO).encode(), to=target)
    # then: one complete interchange, addressed from the documents' own parties by default
    assert code == cli.OK and err == []
    assert out.startswith(b"ISA" if target == "x12" else b"UNA")
    assert codecs.detect(out) == target
    (doc,) = documents(out)
    assert doc == PO | {"control_number": "000000001" if target == "x12" else "1"}


def test_sender_receiver_and_control_number_options_make_the_envelope() -> None:
    code, out, _ = translate(json.dumps(PO).encode(), to="x12", sender="TSUNAGI", receiver="ACME",
                             control_number="905")
    assert code == cli.OK
    assert b"*ZZ*TSUNAGI        *ZZ*ACME           *" in out and b"*000000905*" in out
    (doc,) = documents(out)
    assert (doc["sender"], doc["receiver"], doc["control_number"]) == ("TSUNAGI", "ACME", "000000905")


@pytest.mark.parametrize("layout", ["object", "pretty", "array", "lines", "bom"])
def test_canonical_json_layouts(layout: str) -> None:
    other = PO | {"id": "PO-8"}
    data = {
        "object": json.dumps(PO),
        "pretty": json.dumps(PO, indent=2),
        "array": json.dumps([PO, other], indent=1),
        "lines": json.dumps(PO) + "\n\n" + json.dumps(other) + "\n",
        "bom": "\ufeff" + json.dumps(PO),
    }[layout].encode()
    code, out, err = translate(data)
    assert code == cli.OK, err
    assert [d["id"] for d in json_lines(out)] == (["PO-7", "PO-8"] if layout in ("array", "lines") else ["PO-7"])


def test_standard_input_is_read_through_run() -> None:
    out, err = io.BytesIO(), io.StringIO()
    code = cli.run("translate", "-", stdin=io.BytesIO(x12_of(PO)), out=out, err=err, to="json")
    assert code == cli.OK and json_lines(out.getvalue())[0]["id"] == "PO-7"


# --- translate: what is wrong, said in one line each -------------------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    (b"", "error: the input is empty"),
    (b" \r\n\t\n", "error: the input is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "error: unrecognised payload"),
    (b"Dear supplier, please find our order attached.\n", "error: unrecognised payload"),
    (b"<?xml version='1.0'?><invoice><id>1</id></invoice>", "error: XML payload that is not an IDoc"),
    (b"BGM+220+PO1'DTM+137:20240301:102'", "error: EDIFACT segments without an interchange envelope"),
    (b"ST*850*0001~BEG*00*SA*PO1**20240301~", "error: X12 segments without an interchange envelope"),
    (b'{"type": "purchase_order", ', "error: invalid JSON at line 1 column 28"),
    (b'{"type": "x"}\n{"type": \n', "error: invalid JSON at line 2 column 10"),
    (b"[1, 2]", "error: document 1 is a JSON int, not an object"),
    (b"[]", "error: the JSON holds no document"),
    (b'{"id": "\xff"}', "error: canonical JSON must be UTF-8"),
])
def test_unusable_input_is_one_line_and_status_2(data: bytes, message: str) -> None:
    code, out, err = translate(data)
    assert code == cli.UNREADABLE and out == b""
    assert len(err) == 1 and err[0].startswith(message), err


def test_invalid_canonical_document_names_document_and_field() -> None:
    bad = {k: v for k, v in PO.items() if k != "issued"} | {"currency": "euro"}
    code, out, err = translate(json.dumps([PO, bad]).encode(), to="edifact")
    assert code == cli.INVALID
    assert err == ["error: document 2 (purchase_order PO-7): issued: missing",
                   "error: document 2 (purchase_order PO-7): currency: must be a 3-letter ISO 4217 code"] \
        or all(line.startswith("error: document 2 (purchase_order PO-7): ") for line in err)
    assert {line.split(": ")[2] for line in err} == {"issued", "currency"}
    # the valid document is still translated
    assert [d["id"] for d in documents(out)] == ["PO-7"]


def test_truncated_edifact_reports_the_missing_trailers() -> None:
    data = edifact_of(PO)
    code, out, err = translate(data[: len(data) * 2 // 3])
    assert code == cli.INVALID and out == b""
    assert_clean_lines(err)
    assert any("message trailer UNT missing [code 13]" in line for line in err)
    assert err[-1].endswith("interchange trailer UNZ missing: the data ends inside the interchange [code 13]")


def test_truncated_x12_reports_the_missing_trailers() -> None:
    data = x12_of(PO)
    code, out, err = translate(data[:-30])
    assert code == cli.INVALID and out == b""
    assert_clean_lines(err)
    assert any("[code 023]" in line and "IEA" in line for line in err), err


@pytest.mark.parametrize("cut", [10, 50, 105, 106, 140])
def test_x12_cut_anywhere_never_raises_past_the_cli(cut: int) -> None:
    code, _out, err = translate(x12_of(PO)[:cut])
    assert code in (cli.INVALID, cli.UNREADABLE) and err
    assert_clean_lines(err)


def test_a_message_type_without_canonical_form_is_an_error_with_its_code() -> None:
    code, out, err = translate((SAMPLES / "pydifact__wikipedia_en.edi").read_bytes())
    assert code == cli.INVALID and out == b""
    assert err == [("error: interchange 1, message 1, segment UNH#1, element 2.1: message type 'PAORES' "
                   "has no canonical translation [code 3]")]


def test_a_document_the_target_cannot_carry_is_invalid_with_the_writers_reason() -> None:
    po = PO | {"lines": [PO["lines"][0] | {"line": "A1"}]}  # EDIFACT LIN 1082 is numeric
    code, out, err = translate(x12_of(po), to="edifact")
    assert code == cli.INVALID and out == b""
    assert err == ["error: line number 'A1': EDIFACT LIN 1082 is numeric"]


def test_a_unit_x12_cannot_carry_is_refused_by_name() -> None:
    po = PO | {"lines": [PO["lines"][0] | {"unit": "MLT"}]}
    code, _out, err = translate(edifact_of(po), to="x12")
    assert code == cli.INVALID
    assert len(err) == 1 and "line 1: 'MLT' has no X12 unit code" in err[0]


def test_an_edifact_sender_too_long_for_x12_asks_for_sender() -> None:
    po = PO | {"sender": "4012345000009-PLANT-2"}
    data = codecs.write([po], standard="edifact", sender="4012345000009-PLANT-2", receiver="SUPPLIER",
                        control_number="1")
    code, _out, err = translate(data, to="x12")
    assert code == cli.INVALID and "give --sender" in err[0]
    code, out, _err = translate(data, to="x12", sender="4012345000009")
    assert code == cli.OK and documents(out)[0]["sender"] == "4012345000009"


def test_x12_control_number_must_be_digits() -> None:
    code, _out, err = translate(json.dumps(PO).encode(), to="x12", control_number="A7")
    assert code == cli.UNREADABLE and err == ["error: --control-number 'A7': X12 needs 1 to 9 digits"]


def test_an_unknown_target_is_refused() -> None:
    code, _out, err = translate(json.dumps(PO).encode(), to="csv")
    assert code == cli.UNREADABLE and err[0].startswith("error: --to 'csv': choose one of json, x12")


def test_acknowledgements_do_not_cross_standards() -> None:
    data = (SAMPLES / "bots__997-004010VICS-01.x12").read_bytes()
    code, out, err = translate(data, to="edifact")
    assert code == cli.INVALID and out == b""
    assert err == [("error: 997/999 10001: acknowledgements are not translated across standards (their "
                   "error codes differ); `edi validate` writes the acknowledgement we would send")]
    # within the standard it is a plain rewrite
    code, out, _ = translate(data, to="x12")
    assert code == cli.OK and b"ST*997*" in out


def test_an_interchange_without_documents_says_so() -> None:
    empty = codecs.write([], standard="edifact", sender="A", receiver="B", control_number="1")
    code, out, err = translate(empty)
    assert code == cli.INVALID and out == b""
    assert err[-1] == "error: the input holds no document to translate"


def test_a_bug_in_the_engine_is_one_line_and_status_3(monkeypatch) -> None:
    def broken(stream, **kwargs):
        raise TypeError("'NoneType' object is not subscriptable")

    monkeypatch.setattr(codecs, "read", broken)
    code, _out, err = translate(x12_of(PO))
    assert code == cli.INTERNAL
    assert err == ["error: internal error, please report it: TypeError: 'NoneType' object is not subscriptable"]


@pytest.mark.parametrize("name", ["missing.edi", "."])
def test_missing_file_or_directory(name: str, tmp_path: Path) -> None:
    out, err = io.BytesIO(), io.StringIO()
    path = tmp_path / name
    code = cli.run("translate", str(path), out=out, err=err, to="json")
    assert code == cli.UNREADABLE
    reason = "no such file" if name == "missing.edi" else "is a directory, not a file"
    assert err.getvalue() == f"error: {path}: {reason}\n"


# --- IDoc hook ----------------------------------------------------------------------------------------

IDOC = b"<?xml version='1.0'?><ORDERS05><IDOC BEGIN='1'><EDI_DC40 SEGMENT='1'/></IDOC></ORDERS05>"


def test_idoc_without_the_codec_is_a_clear_message(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "edi.codecs.idoc", None)  # import fails as if absent
    code, _out, err = translate(IDOC)
    assert code == cli.UNREADABLE
    assert err == [("error: IDoc XML is not supported by this installation: the SAP IDoc codec "
                   "(edi/codecs/idoc/) is not installed")]
    code, _out, err = translate(json.dumps(PO).encode(), to="idoc")
    assert code == cli.UNREADABLE
    assert err == ["error: --to idoc is not available: the SAP IDoc codec (edi/codecs/idoc/) is not installed"]


def test_idoc_codec_is_used_both_ways_when_present(monkeypatch) -> None:
    seen: list = []
    fake = types.ModuleType("edi.codecs.idoc")
    fake.read_documents = lambda data: [PO]  # type: ignore[attr-defined]
    fake.write_documents = lambda docs: seen.extend(docs) or b"<IDOC/>"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "edi.codecs.idoc", fake)
    code, out, err = translate(IDOC, to="edifact")
    assert code == cli.OK and err == [] and documents(out)[0]["id"] == "PO-7"
    code, out, err = translate(x12_of(PO), to="idoc")
    assert code == cli.OK and out == b"<IDOC/>" and seen[0]["id"] == "PO-7"


# --- validate ----------------------------------------------------------------------------------------

def test_validate_a_clean_x12_004010_interchange_gives_a_997() -> None:
    code, out, err = validate((SAMPLES / "nodex12__850.x12").read_bytes())
    assert code == cli.OK and err == []
    (ack,) = documents(out)
    assert out.startswith(b"ISA") and b"ST*997*" in out
    assert ack["status"] == "accepted" and ack["acknowledged"] == "1421"
    # addressed back to the sender
    assert ack["receiver"] == "4405197800" and ack["sender"] == "999999999"


def test_validate_a_005010_interchange_gives_a_999() -> None:
    data = codecs.write([PO], standard="x12", sender="BUYER", receiver="SUPPLIER", control_number=3,
                        version="00501")
    code, out, _err = validate(data)
    assert code == cli.OK and b"ST*999*" in out and b"GS*FA*SUPPLIER*BUYER*" in out


def test_validate_a_rejected_x12_set_prints_errors_then_the_997() -> None:
    code, out, err = validate((SAMPLES / "gozer__po850.x12").read_bytes())
    assert code == cli.INVALID
    assert err == [("error: interchange 000003438, group 1421, message 000000010, segment SE#21: SE01 "
                   "says 33, the set has 21 segments [code 4]")]
    (ack,) = documents(out)
    assert ack["status"] == "rejected"
    assert ack["messages"][0]["status"] == "rejected" and ack["messages"][0]["errors"][0]["code"] == "4"


def test_validate_edifact_gives_a_contrl_with_the_errors() -> None:
    code, out, err = validate((SAMPLES / "phpedifact__D96ADESADV.edi").read_bytes())
    assert code == cli.INVALID
    assert_clean_lines(err)
    assert out.startswith(b"UNA") and b"UNH+1+CONTRL:D:3:UN'" in out
    (ack,) = documents(out)
    assert ack["status"] == "rejected" and ack["acknowledged"] == "1"
    assert ack["messages"][0]["errors"][0]["code"] == "39"


def test_validate_a_clean_edifact_interchange() -> None:
    code, out, err = validate(edifact_of(PO))
    assert code == cli.OK and err == []
    (ack,) = documents(out)
    assert ack["status"] == "accepted" and ack["receiver"] == "BUYER"


def test_validate_several_interchanges_acknowledges_each() -> None:
    code, out, _err = validate(x12_of(PO) + b"\r\n" + x12_of(PO | {"id": "PO-8"}).replace(b"000000007", b"000000008"))
    assert code == cli.OK
    assert out.count(b"ISA*") == 2


def test_acknowledgements_are_not_acknowledged() -> None:
    code, out, err = validate((SAMPLES / "staedi__simple997_multi_interchange.edi").read_bytes())
    assert code == cli.OK and out == b""
    assert err[0] == "note: interchange 000000001 holds only acknowledgements (997): none is sent for it"
    assert len(err) == 3


def test_validate_canonical_json_checks_the_contract() -> None:
    assert validate(json.dumps(PO).encode()) == (cli.OK, b"", [])
    code, out, err = validate(json.dumps(PO | {"purpose": "maybe"}).encode())
    assert code == cli.INVALID and out == b""
    assert err == [("error: document 1 (purchase_order PO-7): purpose: must be one of original, replace, "
                   "change, cancel")]


@pytest.mark.parametrize("data", [b"", b"garbage", b"BGM+220+1'"])
def test_validate_unusable_input_is_invalid(data: bytes) -> None:
    code, out, err = validate(data)
    assert code == cli.INVALID and out == b"" and len(err) == 1 and err[0].startswith("error: ")


# --- the real command ----------------------------------------------------------------------------------

# Every sample through `edi translate`: exit status, documents on stdout, and a fragment of the
# error that names why (None for clean files; warnings may still be printed for them).
SAMPLE_OUTCOMES: dict[str, tuple[int, int, str | None]] = {
    "bots__810-004010-01.x12": (0, 2, None),
    "bots__830-004010UCS-01.x12": (1, 0, "one of BFR02/BFR03 is required [code 2]"),
    "bots__850-004010-01.x12": (0, 1, None),
    "bots__850-004010-ascii-lf.x12": (0, 1, None),
    "bots__850-004010VICS-01.x12": (0, 4, None),
    "bots__855-004010UCS-01.x12": (0, 6, None),
    "bots__997-004010VICS-01.x12": (0, 1, None),
    "bots__dutchic_T0000000001.edi": (0, 1, None),
    "bots__dutchic_T0000000002.edi": (0, 1, None),
    "bots__invoic01.edi": (0, 2, None),
    "bots__mailbag01.x12": (1, 9, "transaction set 820 is not supported [code 1]"),
    "bots__orders96.edi": (0, 2, None),
    "gozer__asn856.x12": (1, 1, "IEA02 '000000049' does not match ISA13 '000003438' [code 001]"),
    "gozer__po850.x12": (1, 0, "SE01 says 33, the set has 21 segments [code 4]"),
    "nodex12__850.x12": (0, 1, None),
    "nodex12__855.x12": (0, 1, None),
    "phpedifact__D96ADESADV.edi": (1, 0, "element 1225: '700101' is longer than 3 [code 39]"),
    "phpedifact__example_release_character.edi": (1, 0, "'PAORES' has no canonical translation [code 3]"),
    "phpedifact__example_wrapped.edi": (1, 0, "'PAORES' has no canonical translation [code 3]"),
    "pydifact__aperak_v4.edi": (1, 0, "'APERAK' has no canonical translation [code 3]"),
    "pydifact__invoice1.edi": (0, 1, None),
    "pydifact__order.edi": (1, 1, "interchange trailer UNZ missing: the data ends inside the interchange [code 13]"),
    "pydifact__order2.edi": (1, 1, "interchange trailer UNZ missing: the data ends inside the interchange [code 13]"),
    "pydifact__sage_coala.ped": (1, 0, "'INFENT' has no canonical translation [code 3]"),
    "pydifact__wikipedia_en.edi": (1, 0, "'PAORES' has no canonical translation [code 3]"),
    "smooks__INVOIC_D03B_with_UNA.edi": (1, 0, "INVOIC version D:03B:UN is not supported"),
    "smooks__ORDERS_D03B_Interchange.edi": (1, 0, "ORDERS version D:03B:UN is not supported"),
    "smooks__d96a_invoic_1.edi": (2, 0, "EDIFACT segments without an interchange envelope: no UNA or UNB"),
    "staedi__invoic_d93a_una.edi": (1, 0, "is not a valid ascii character under the syntax identifier [code 21]"),
    "staedi__invoic_d97b.edi": (1, 0, "is not a valid ascii character under the syntax identifier [code 21]"),
    "staedi__invoic_d97b_una.edi": (0, 1, None),
    "staedi__invoice810_po850_dual.edi": (1, 2, "850 version 003010 does not match the 004010 structure"),
    "staedi__orders_with_group.edi": (1, 0, "UNT counts '21' segments, the message has 18 [code 29]"),
    "staedi__simple997.edi": (0, 1, None),
    "staedi__simple997_multi_interchange.edi": (0, 3, None),
    "staedi__simple999.edi": (0, 1, None),
    "staedi__wrapped_invoic_d97b_una.edi": (0, 1, None),
}


def test_every_sample_file_has_a_cli_outcome() -> None:
    files = {p.name for p in SAMPLES.iterdir() if p.name != "MANIFEST.tsv"}
    manifest = {row.split("\t")[0] for row in (SAMPLES / "MANIFEST.tsv").read_text().splitlines()[1:]}
    assert set(SAMPLE_OUTCOMES) == files == manifest
    # and the reader tables cover the same files
    from tests.edi.test_samples_edifact import CASES
    from tests.edi.test_samples_x12 import TABLE

    assert set(CASES) | {e.file for e in TABLE} == files


@pytest.mark.parametrize("name", sorted(SAMPLE_OUTCOMES))
def test_sample_through_the_command(name: str) -> None:
    status, count, fragment = SAMPLE_OUTCOMES[name]
    # when
    proc = command("translate", str(SAMPLES / name))
    # then
    lines = stderr_lines(proc)
    assert proc.returncode == status, lines
    assert_clean_lines(lines)
    docs = json_lines(proc.stdout)
    assert len(docs) == count and all(validate_document(d) == [] for d in docs)
    errors = [line for line in lines if line.startswith("error: ")]
    if fragment is None:
        assert errors == []
    else:
        assert any(fragment in line for line in errors), errors
        if status == 1:  # each reader finding carries the standard's code
            assert all(re.search(r"\[code \w+\]\Z", line) for line in errors), errors


def _file(data: bytes):
    def make(d: Path) -> Path:
        (d / "input").write_bytes(data)
        return d / "input"

    return make


@pytest.mark.parametrize(("make", "status", "message"), [
    (_file(b""), 2, "error: the input is empty"),
    (_file(b"\x00\xff" + bytes(range(256)) * 8), 2, "error: unrecognised payload"),
    (lambda d: d, 2, "is a directory, not a file"),
    (lambda d: d / "nothing-here.x12", 2, "no such file"),
], ids=["empty", "binary", "directory", "missing"])
def test_bad_inputs_through_the_command(tmp_path: Path, make, status: int, message: str) -> None:
    path = make(tmp_path)
    proc = command("translate", str(path))
    lines = stderr_lines(proc)
    assert proc.returncode == status
    assert len(lines) == 1 and message in lines[0] and LINE.match(lines[0]), lines
    assert proc.stdout == b""


def test_truncated_and_binary_tailed_files_through_the_command(tmp_path: Path) -> None:
    data = (SAMPLES / "bots__orders96.edi").read_bytes()
    for n, blob in enumerate([data[:300], data[:-5], data + os.urandom(64)]):
        path = tmp_path / f"case{n}.edi"
        path.write_bytes(blob)
        proc = command("translate", str(path))
        assert proc.returncode in (1, 2), (n, proc.stderr)
        assert_clean_lines(stderr_lines(proc))


def test_standard_input_and_x12_to_edifact_through_the_command() -> None:
    proc = command("translate", "-", "--to", "edifact", "--sender", "TSUNAGI", "--receiver", "ACME",
                   stdin=(SAMPLES / "nodex12__850.x12").read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"UNA:+.? 'UNB+UNOC:3+TSUNAGI:14+ACME:14+")
    (doc,) = documents(proc.stdout)
    assert doc["id"] == "08292233294" and len(doc["lines"]) == 6


def test_validate_through_the_command() -> None:
    good = command("validate", str(SAMPLES / "nodex12__855.x12"))
    assert good.returncode == 0 and good.stderr == b"" and b"ST*997*" in good.stdout
    bad = command("validate", str(SAMPLES / "staedi__orders_with_group.edi"))
    assert bad.returncode == 1 and b"CONTRL" in bad.stdout
    assert_clean_lines(stderr_lines(bad))


def test_a_closed_pipe_stops_the_command_quietly() -> None:
    # enough output to fill the pipe: 2,000 orders as JSON lines
    data = codecs.write([PO | {"id": f"PO-{n}"} for n in range(2000)], standard="x12", sender="BUYER",
                        receiver="SUPPLIER", control_number=1)
    proc = subprocess.Popen([sys.executable, "manage.py", "edi", "translate", "-"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(data)
    proc.stdin.close()
    assert proc.stdout.read(100)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert proc.returncode in (0, 1)


def test_the_erp_idoc_codec_through_translate() -> None:
    """With the SAP IDoc codec installed: X12 850 -> IDoc ORDERS05 -> EDIFACT ORDERS, same order."""
    pytest.importorskip("edi.codecs.idoc")
    x12 = (SAMPLES / "nodex12__850.x12").read_bytes()
    code, idoc_xml, err = translate(x12, to="idoc")
    assert code == cli.OK and err == [] and b"<ORDERS05>" in idoc_xml
    assert codecs.detect(idoc_xml) == "idoc"
    code, edifact, err = translate(idoc_xml, to="edifact")
    assert code == cli.OK, err
    (before,), (after,) = documents(x12), documents(edifact)
    assert [(ln["line"], ln.get("buyer_part"), ln["quantity"]) for ln in after["lines"]] == \
        [(ln["line"], ln.get("buyer_part"), ln["quantity"]) for ln in before["lines"]]
    assert after["id"] == before["id"]
