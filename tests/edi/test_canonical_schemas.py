"""The JSON Schemas in docs/schemas and the fast checker in edi.codecs.canonical agree."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi.codecs.canonical import DOCUMENT_TYPES, validate_document
from tests.edi.canonical_strategies import (  # tests/edi/canonical_strategies.py
    any_document,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
VALIDATORS = {
    t: jsonschema.Draft202012Validator(json.loads((SCHEMAS / f"{t}.schema.json").read_text()),
                                       format_checker=jsonschema.FormatChecker())
    for t in DOCUMENT_TYPES
}


@pytest.mark.parametrize("doc_type", DOCUMENT_TYPES)
def test_schema_is_valid_draft_2020_12(doc_type: str) -> None:
    schema = json.loads((SCHEMAS / f"{doc_type}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["type"] == {"const": doc_type}
    for field in ("type", "id", "issued", "sender", "receiver", "control_number"):
        assert field in schema["required"]


@settings(max_examples=300, deadline=None)
@given(any_document)
def test_generated_documents_pass_both(doc: dict) -> None:
    assert validate_document(doc) == []
    assert list(VALIDATORS[doc["type"]].iter_errors(doc)) == []


def _mutations(doc: dict):
    """Documents broken in one place, each of which both checkers must refuse."""
    yield "missing id", {k: v for k, v in doc.items() if k != "id"}
    yield "bad date", {**doc, "issued": "2024-13-01"}
    yield "null field", {**doc, "sender": None}
    yield "unknown field", {**doc, "supplir": {"id": "x"}}
    yield "wrong type", {**doc, "type": "purchase_ordr"}
    lines = doc.get("lines")
    if lines:
        bad = copy.deepcopy(doc)
        key = "quantity" if "quantity" in bad["lines"][0] else "line"
        bad["lines"][0][key] = 12 if key == "quantity" else ""
        yield "bad line", bad
    if doc["type"] == "functional_ack":
        yield "bad status", {**doc, "status": "ok"}


@settings(max_examples=200, deadline=None)
@given(any_document, st.data())
def test_broken_documents_fail_both(doc: dict, data) -> None:
    name, bad = data.draw(st.sampled_from(list(_mutations(doc))))
    fast = validate_document(bad)
    schema_errors = list(VALIDATORS.get(bad.get("type"), VALIDATORS[doc["type"]]).iter_errors(bad))
    assert fast, name
    assert schema_errors, name


def test_extension_fields_are_allowed() -> None:
    doc = {"type": "invoice", "id": "1", "issued": "2024-01-01", "sender": "a", "receiver": "b",
           "control_number": "1", "kind": "invoice", "total": "1.00", "lines": [],
           "x_erp_reference": {"anything": True}}
    assert validate_document(doc) == []
    assert list(VALIDATORS["invoice"].iter_errors(doc)) == []


def test_semantic_rules_the_schema_cannot_say() -> None:
    doc = {"type": "despatch_advice", "id": "A", "issued": "2024-01-01", "sender": "s",
           "receiver": "r", "control_number": "1",
           "lines": [{"line": "1", "quantity": "1"}, {"line": "1", "quantity": "2"}],
           "packages": [{"id": "P", "parent": "Q"}, {"id": "R", "lines": ["9"]}]}
    problems = validate_document(doc)
    assert "lines: line numbers are not unique" in problems
    assert any("no package 'Q'" in p for p in problems)
    assert any("no line '9'" in p for p in problems)


@pytest.mark.parametrize("kind", [{}, [], None, 3, "nonsense"])
def test_a_type_that_is_not_a_known_name_is_a_finding_not_a_crash(kind):
    from edi.codecs.canonical import validate_document

    assert validate_document({"type": kind}) == [validate_document({"type": "nonsense"})[0]]
