"""Every EDIFACT file of the shared corpus (copied to tests/edi/samples/, see MANIFEST.tsv), with the
outcome expected from the reader. ``broken`` says, in the table itself, why a file fails."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from edi.codecs import detect, edifact
from edi.codecs.base import EdiSyntaxError, InterchangeResult, MessageResult

SAMPLES = Path(__file__).parent / "samples"
SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"

# file -> expected outcome.
#   messages: [(type, accepted, expected error codes (set), facts the document must contain)]
#   interchange: expected InterchangeResult.status; ic_codes: interchange-level error codes
#   broken: why the file is genuinely broken (None when it is fine)
CASES: dict[str, dict] = {
    "bots__dutchic_T0000000001.edi": dict(
        messages=[("ORDERS", True, set(), {"id": "T0000000001", "issued": "2005-08-19",
                                            "purpose": "original",
                                            "supplier": {"id": "PARTNER2", "qualifier": "9"},
                                            "lines": [{"line": "1", "gtin": "2000100873151",
                                                       "quantity": "1"}]})],
        interchange="accepted", broken=None,
        warnings={"12"},  # BGM 1001 '50E' is an EANCOM code, not in D.96A 1001
    ),
    "bots__dutchic_T0000000002.edi": dict(
        messages=[("ORDERS", True, set(), {"id": "T0000000002-1"})],
        interchange="accepted", broken=None, warnings={"12"},
    ),
    "bots__invoic01.edi": dict(
        messages=[
            ("INVOIC", True, set(), {"id": "20051098", "kind": "invoice", "order": "4500094576",
                                      "currency": "EUR", "total": "286.2", "subtotal": "240.5",
                                      "tax": "45.7"}),
            ("INVOIC", True, set(), {"id": "20051099"}),
        ],
        interchange="accepted", broken=None,
    ),
    "bots__orders96.edi": dict(
        messages=[("ORDERS", True, set(), {"id": "1-4500094289", "delivery_date": None}),
                  ("ORDERS", True, set(), {"id": "1-4500094290"})],
        interchange="accepted", broken=None, warnings={"12"},
    ),
    "phpedifact__D96ADESADV.edi": dict(
        messages=[("DESADV", False, {"39"}, None)],
        interchange="rejected",
        broken="BGM 1225 holds '700101' (a date?) where an..3 message function code belongs; "
               "UNH version '0' instead of 'D' (tolerated with a warning)",
    ),
    "phpedifact__example_release_character.edi": dict(
        messages=[("PAORES", False, {"3", "29"}, None)],
        interchange="rejected",
        broken="PAORES (IATA) has no canonical form (code 3); UNT says 14 segments, the message "
               "has 23 (code 29)",
    ),
    "phpedifact__example_wrapped.edi": dict(
        messages=[("PAORES", False, {"3"}, None)], interchange="rejected",
        broken="PAORES (IATA) has no canonical form (code 3); the syntax (IATB, no line breaks) is read",
    ),
    "pydifact__aperak_v4.edi": dict(
        messages=[("APERAK", False, {"3", "29"}, None)], interchange="rejected",
        broken="APERAK has no canonical form (code 3); UNT counts 8 segments for 7 (code 29)",
    ),
    "pydifact__invoice1.edi": dict(
        messages=[("INVOIC", True, set(), {"id": "1060113800026", "kind": "credit_note",
                                            "total": "1960.29",
                                            "lines": [{"line": "1", "buyer_part": "090346642",
                                                       "quantity": "54", "unit": "PCE",
                                                       "amount": "1960.29", "price": "3630.1724",
                                                       "order": "X18V00003"}]})],
        interchange="accepted", broken=None,
    ),
    "pydifact__order.edi": dict(
        messages=[("ORDERS", True, set(), {"id": "801715918011", "issued": "2015-08-03",
                                            "delivery_date": "2015-08-06"})],
        interchange="rejected", ic_codes={"13"},
        broken="no UNZ: the file ends after UNT (interchange rejected, code 13); the message "
               "itself translates (decimal comma UNA ':+,? \\'')",
    ),
    "pydifact__order2.edi": dict(
        messages=[("ORDERS", True, set(), {"id": "PO123456", "lines": [
            {"line": "1", "buyer_part": "ABC123", "quantity": "10", "price": "25.00"}]})],
        interchange="rejected", ic_codes={"13"},
        broken="no UNZ: the file ends after UNT (code 13)",
    ),
    "pydifact__sage_coala.ped": dict(
        messages=[("INFENT", False, {"3", "29"}, None)], interchange="rejected",
        warnings_ic={"33"},
        broken="text before UNA (skipped with a warning); INFENT has no canonical form (code 3); "
               "UNT counts 542 segments for 97 (code 29)",
    ),
    "pydifact__wikipedia_en.edi": dict(
        messages=[("PAORES", False, {"3"}, None)], interchange="rejected",
        broken="PAORES (IATA) has no canonical form (code 3)",
    ),
    "smooks__INVOIC_D03B_with_UNA.edi": dict(
        messages=[("INVOIC", False, {"3", "29"}, None)], interchange="rejected",
        broken="D.03B is outside the directories read (D.93A-D.01B, code 3); UNT counts 36 for 35 "
               "(code 29)",
    ),
    "smooks__ORDERS_D03B_Interchange.edi": dict(
        messages=[("ORDERS", False, {"3"}, None)], interchange="rejected",
        broken="D.03B is outside the directories read (code 3); lower case under UNOA is a warning",
    ),
    "smooks__d96a_invoic_1.edi": dict(
        raises=EdiSyntaxError,
        broken="bare segments without UNB/UNH envelope: not an interchange",
    ),
    "staedi__invoic_d93a_una.edi": dict(
        messages=[("INVOIC", False, {"21"}, None)], interchange="rejected",
        broken="UTF-8 'ü' (München) under UNOA, whose character set is ASCII upper case (code 21)",
    ),
    "staedi__invoic_d97b.edi": dict(
        messages=[("INVOIC", False, {"21"}, None)], interchange="rejected",
        broken="UTF-8 'Ü' (BÜTTNER) under UNOA (code 21)",
    ),
    "staedi__invoic_d97b_una.edi": dict(
        messages=[("INVOIC", True, set(), {"id": "342459", "receiver": "006415160",
                                            "total": "2137.58",
                                            "supplier": {"id": "005435656",
                                                         "name": "GENERAL WIDGET COMPANY",
                                                         "qualifier": "16"}})],
        interchange="accepted", broken=None,
    ),
    "staedi__orders_with_group.edi": dict(
        messages=[("ORDERS", False, {"29", "39"}, None)], interchange="rejected",
        broken="UNT counts 21 segments for 18 (code 29); UNH 0057 'EAN008B' is longer than an..6 "
               "(code 39); UNG S008 has 4 components",
    ),
    "staedi__wrapped_invoic_d97b_una.edi": dict(
        messages=[("INVOIC", True, set(), {"id": "342459", "total": "2137.58"})],
        interchange="accepted", broken=None,
    ),
}

VALIDATORS = {
    p.name.split(".")[0]: jsonschema.Draft202012Validator(json.loads(p.read_text()))
    for p in SCHEMAS.glob("*.schema.json")
}


def edifact_samples() -> list[str]:
    out = []
    for p in sorted(SAMPLES.iterdir()):
        if p.suffix in (".edi", ".ped") and not p.read_bytes().lstrip().startswith(b"ISA"):
            out.append(p.name)
    return out


def test_every_edifact_sample_has_an_expected_outcome() -> None:
    assert sorted(CASES) == edifact_samples()
    manifest = (SAMPLES / "MANIFEST.tsv").read_text().splitlines()
    listed = {line.split("\t")[0] for line in manifest[1:]}
    assert set(CASES) <= listed


def _matches(actual, expected) -> bool:
    """``expected`` facts are a subset of ``actual``; None means the key must be absent."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            (k not in actual) if v is None else (k in actual and _matches(actual[k], v))
            for k, v in expected.items()
        )
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            _matches(a, e) for a, e in zip(actual, expected)
        )
    return actual == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_sample(name: str) -> None:
    case = CASES[name]
    data = (SAMPLES / name).read_bytes()
    if "raises" in case:
        with pytest.raises(case["raises"]):
            list(edifact.read(io.BytesIO(data)))
        return
    assert detect(data[:4096]) == "edifact"
    results = list(edifact.read(io.BytesIO(data), chunk_size=64))  # tiny chunks: boundaries
    assert results == list(edifact.read(io.BytesIO(data)))
    messages = [r for r in results if isinstance(r, MessageResult)]
    interchanges = [r for r in results if isinstance(r, InterchangeResult)]
    assert len(interchanges) == 1 and isinstance(results[-1], InterchangeResult)
    assert len(messages) == len(case["messages"])
    for msg, (mtype, accepted, codes, facts) in zip(messages, case["messages"]):
        errors = {i.code for i in msg.issues if i.severity == "error"}
        assert msg.message_type == mtype
        assert msg.accepted is accepted, [str(i) for i in msg.issues]
        assert errors == codes, [str(i) for i in msg.issues]
        if accepted:
            warnings = {i.code for i in msg.issues if i.severity == "warning"}
            assert warnings == case.get("warnings", set())
            doc = msg.document
            assert doc is not None
            assert list(VALIDATORS[doc["type"]].iter_errors(doc)) == []
            assert _matches(doc, facts), json.dumps(doc, indent=1)
        else:
            assert msg.document is None
    ic = interchanges[0]
    assert ic.status == case["interchange"]
    assert {i.code for i in ic.issues if i.severity == "error" and i.level == "interchange"} == \
        case.get("ic_codes", set())
    assert {i.code for i in ic.issues if i.severity == "warning"} == case.get("warnings_ic", set())
    assert ic.message_count == len(messages)
    # the broken ones say why, the good ones do not pretend
    assert (case["broken"] is None) == (ic.status == "accepted")
