"""Functional acknowledgements for an inbound interchange: one canonical functional_ack per group.

Sets accepted without findings are not listed (a 997/999 need not name them: AK9 counts them),
which keeps an acknowledgement of a 100,000-set interchange small. Interchange-level (TA1)
findings give one more document of level ``interchange``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from edi.codecs.base import InterchangeResult, Issue
from edi.codecs.x12.dictionary import describe

_NOT_TAG = re.compile(r"[^A-Z0-9]")


def _tag(segment: str | None) -> str:
    """The segment id as an AK3 can carry it ('' when what was read is no tag at all)."""
    tag = _NOT_TAG.sub("", (segment or "").upper())[:3]
    return tag if len(tag) >= 2 else ""


def _number(value: str | None) -> str:
    """A control number an acknowledgement can carry (N0 1/9); garbage, already reported, is 0."""
    value = (value or "").strip()
    return value if value.isascii() and value.isdigit() and len(value) <= 9 else "0"


def _error(issue: Issue) -> dict[str, Any]:
    err: dict[str, Any] = {}
    if issue.level in ("segment", "element") and issue.segment:
        err["segment"] = _tag(issue.segment)
        if issue.position:
            err["position"] = issue.position
        if issue.level == "element" and issue.element:
            err["element"] = issue.element
    err["code"] = issue.code
    err["message"] = describe(issue.level, issue.code) + (
        f": {issue.message}" if issue.message else "")
    return err


def _message_errors(issues: list[Issue]) -> list[dict[str, Any]]:
    located = [i for i in issues if i.level in ("segment", "element") and i.segment
               and i.position]
    located.sort(key=lambda i: (i.position or 0, i.segment or "", i.level != "segment"))
    errors = [_error(i) for i in located if _tag(i.segment)]
    codes: list[str] = []
    for i in issues:
        if i.level == "message" and i.code not in codes:
            codes.append(i.code)
    if any(i.severity == "error" for i in located) and "5" not in codes:
        codes.append("5")
    errors += [{"code": c, "message": describe("message", c)} for c in codes[:5]]
    return errors


def ack_for(result: InterchangeResult, *, version: str = "00401",
            date: dt.date | None = None) -> list[dict[str, Any]]:
    """Canonical functional_ack documents acknowledging ``result``, one per functional group.

    ``version`` chooses the acknowledgement the writer will produce (``00401`` -> 997,
    ``00501`` -> 999); the documents are the same either way. Sender and receiver are swapped:
    the acknowledgement goes back to whoever sent the interchange.
    """
    env = result.envelope
    issued = (date or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    control_no = _number(env.control_number)
    base = {"type": "functional_ack", "issued": issued,
            "sender": (env.receiver or "unknown")[:35],
            "receiver": (env.sender or "unknown")[:35], "control_number": control_no}
    docs: list[dict[str, Any]] = []
    ic_errors = [i for i in result.issues if i.level == "interchange" and i.severity == "error"]
    if ic_errors or env.ack_requested:
        first = ic_errors[0] if ic_errors else None
        docs.append({**base, "issued": env.date or issued,  # TA102: the interchange's date
                     "id": control_no, "acknowledged": control_no,
                     "level": "interchange",
                     "status": "rejected" if first else "accepted",
                     "errors": [{"code": first.code, "message": describe("interchange", first.code)
                                 + f": {first.message}"}] if first else [],
                     "messages": [],
                     "x_time": env.time.replace(":", "") or "0000"})
    by_group: dict[str | None, list] = {}
    for status in result.messages:
        by_group.setdefault(status.group, []).append(status)
    for n, group in enumerate(result.groups, start=1):
        control = _number(group.get("control_number"))
        group_errors = [i for i in group.get("issues", []) if i.severity == "error"]
        codes: list[str] = []
        for i in group_errors:
            if i.code not in codes:
                codes.append(i.code)
        sets, accepted = group.get("sets", 0), group.get("accepted", 0)
        messages = []
        for status in by_group.get(group.get("control_number"), []):
            ref = _NOT_TAG.sub("", status.message_ref.upper())[:9].rjust(4, "0")
            kind = _NOT_TAG.sub("", status.message_type.upper())[:3].rjust(3, "0")
            messages.append({"ref": ref, "type": kind,
                             "status": "accepted" if status.accepted else "rejected",
                             "errors": _message_errors(status.issues)})
        if codes or (sets and accepted == 0):
            state = "rejected"
        elif accepted < sets:
            state = "partially_accepted"
        else:
            state = "accepted"
        doc = {**base, "id": f"{n:04d}", "acknowledged": control, "level": "group",
               "group": control,
               "functional_id": _NOT_TAG.sub("", (group.get("functional_id") or "").upper())[:2]
               or "XX",
               "status": state, "errors": [{"code": c, "message": describe("group", c)}
                                           for c in codes[:5]],
               "messages": messages}
        listed_ok = sum(1 for m in messages if m["status"] == "accepted")
        declared = group.get("declared")
        included = int(declared) if declared and str(declared).isascii() and str(declared).isdigit() else sets
        if included != len(messages):
            doc["x_sets_included"] = included
        if sets != len(messages):
            doc["x_sets_received"] = sets
        if accepted != listed_ok:
            doc["x_sets_accepted"] = accepted
        docs.append(doc)
    return docs
