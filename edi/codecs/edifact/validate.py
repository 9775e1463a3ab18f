"""Validation of EDIFACT messages against the directory tables.

A message structure (the segment-group tree of ``tables/d96a.py``) is compiled once per message
type into :class:`Structure`: per group, for every position, a dict from segment tag to the next
position that tag can take. Walking a message is then a dict lookup per segment in the common
case. Findings carry the UNSL 0085 syntax error code:

13 missing, 15 segment not supported in this position, 35 too many segment repetitions, 36 too
many segment group repetitions, 16 too many constituents, 12 invalid value (code list), 37 invalid
character type, 38 missing digit before decimal sign, 39 too long, 40 too short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from edi.codecs.edifact.service import CONTRL_STRUCTURE, SERVICE_SEGMENTS_V3, SERVICE_SEGMENTS_V4
from edi.codecs.edifact.tables import d96a

# (code, message, segment position, tag, element, severity)
Finding = tuple[str, str, int, str, "str | None", str]


@dataclass(slots=True)
class _Child:
    tag: str  # the segment tag, or the group's trigger tag
    status: str
    max: int
    group: "_Group | None"
    name: str  # "BGM" or "SG2"


class _Group:
    __slots__ = ("name", "children", "after", "next_mandatory")

    def __init__(self, name: str, nodes: list[Any]) -> None:
        self.name = name
        self.children: list[_Child] = []
        for node in nodes:
            if len(node) == 5:
                sub = _Group(node[1], node[4])
                self.children.append(_Child(sub.children[0].tag, node[2], node[3], sub, node[1]))
            else:
                self.children.append(_Child(node[1], node[2], node[3], None, node[1]))
        # after[i + 1][tag] = first child index j > i whose trigger is tag
        # next_mandatory[i + 1] = first mandatory child index > i (len(children) if none)
        n = len(self.children)
        self.next_mandatory = [n] * (n + 1)
        nxt = n
        for k in range(n - 1, -2, -1):
            self.next_mandatory[k + 1] = nxt
            if k >= 0 and self.children[k].status == "M":
                nxt = k
        self.after: list[dict[str, int]] = []
        for i in range(-1, len(self.children)):
            table: dict[str, int] = {}
            for j in range(len(self.children) - 1, i, -1):
                table[self.children[j].tag] = j
            self.after.append(table)


class Structure:
    """A compiled message structure; :meth:`walker` returns a fresh walker per message."""

    def __init__(self, name: str, tree: list[Any]) -> None:
        self.name = name
        self.root = _Group(name, tree)
        self.tags = set()
        stack = [self.root]
        while stack:
            g = stack.pop()
            for c in g.children:
                if c.group:
                    stack.append(c.group)
                else:
                    self.tags.add(c.tag)

    def walker(self) -> "Walker":
        return Walker(self)


class Walker:
    """Feeds segment tags in order and reports structure findings."""

    __slots__ = ("stack", "findings", "structure")

    def __init__(self, structure: Structure) -> None:
        self.structure = structure
        # frames: [group, current child index, repetitions of that child]
        self.stack: list[list[Any]] = [[structure.root, -1, 0]]
        self.findings: list[Finding] = []

    def feed(self, tag: str, position: int) -> str | None:
        """Place one segment; return the name of its group ("SG15", or the message name), or
        ``None`` when it fits nowhere (a finding is recorded and the segment skipped)."""
        stack = self.stack
        top = len(stack) - 1
        over = None
        for depth in range(top, -1, -1):
            frame = stack[depth]
            group, idx, count = frame
            if idx >= 0:
                child = group.children[idx]
                if child.tag == tag:
                    if child.group is None:
                        # the trigger of an open group repeating means a new group repetition
                        if idx or not depth:
                            if count < child.max:
                                frame[2] = count + 1
                                return group.name
                            if over is None:
                                over = (frame, group, child)
                    else:
                        if len(stack) - 1 > depth:
                            self._close_above(depth, position)
                        frame[2] = count + 1
                        if count + 1 > child.max:
                            self._add(
                                "36",
                                f"segment group {child.name} repeated more than {child.max} times",
                                position,
                                tag,
                            )
                        stack.append([child.group, 0, 1])
                        return child.group.name
            j = group.after[idx + 1].get(tag)
            if j is not None:
                if depth < top:
                    self._close_above(depth, position)
                if group.next_mandatory[idx + 1] < j:
                    self._missing_between(group, idx, j, position, tag)
                frame[1] = j
                frame[2] = 1
                child = group.children[j]
                if child.group is not None:
                    stack.append([child.group, 0, 1])
                    return child.group.name
                return group.name
        if over is not None:
            frame, group, child = over
            frame[2] += 1
            self._add("35", f"{tag} repeated more than {child.max} times", position, tag)
            return group.name
        self._add("15", f"segment {tag} is not allowed in this position", position, tag)
        return None

    def finish(self, position: int) -> None:
        """Check what is still missing when the message ends (after UNT was fed)."""
        self._close_above(0, position)
        group, idx, _ = self.stack[0]
        self._missing_between(group, idx, len(group.children), position, None)

    def _close_above(self, depth: int, position: int) -> None:
        while len(self.stack) - 1 > depth:
            group, idx, _ = self.stack.pop()
            self._missing_between(group, idx, len(group.children), position, None)

    def _missing_between(self, group: _Group, i: int, j: int, position: int, tag: str | None) -> None:
        if group.next_mandatory[i + 1] >= j:
            return
        for k in range(i + 1, j):
            child = group.children[k]
            if child.status == "M":
                what = f"segment group {child.name}" if child.group else f"segment {child.name}"
                where = f" before {tag}" if tag else ""
                self._add("13", f"mandatory {what} missing{where}", position, child.tag)

    def _add(self, code: str, message: str, position: int, tag: str) -> None:
        self.findings.append((code, message, position, tag, None, "error"))


_STRUCTURES: dict[str, Structure] = {}


def structure_for(message_type: str) -> Structure | None:
    s = _STRUCTURES.get(message_type)
    if s is None:
        tree = CONTRL_STRUCTURE if message_type == "CONTRL" else d96a.MESSAGES.get(message_type)
        if tree is None:
            return None
        s = _STRUCTURES[message_type] = Structure(message_type, tree)
    return s


# --- element checks ----------------------------------------------------------------------------

# Code lists enforced, per (segment tag, element code): the qualifiers the mappings read.
CHECKED_CODES = {
    ("BGM", "1001"), ("BGM", "1225"), ("BGM", "4343"),
    ("DTM", "2005"), ("DTM", "2379"),
    ("NAD", "3035"),
    ("RFF", "1153"),
    ("QTY", "6063"),
    ("LIN", "1229"), ("LIN", "7143"), ("PIA", "4347"), ("PIA", "7143"),
    ("SCC", "4017"),
    ("GIN", "7405"),
    ("MOA", "5025"), ("PRI", "5125"),
}

_NUMERIC = re.compile(r"-?[0-9]*[.,]?[0-9]*\Z")
_HAS_DIGIT = re.compile(r"[0-9]")


def _check_value(value: str, rep: tuple[str, int, int]) -> tuple[str, str] | None:
    kind, lo, hi = rep
    if kind == "n":
        if not (value.isascii() and value.isdigit()):
            if not _NUMERIC.match(value) or not any((c.isascii() and c.isdigit()) for c in value):
                return ("37", f"{value!r} is not numeric")
            body = value.lstrip("-")
            if body[:1] in ".,":
                return ("38", f"{value!r} has no digit before the decimal mark")
            size = len(body) - (1 if ("." in body or "," in body) else 0)
        else:
            size = len(value)
    else:
        size = len(value)
        if kind == "a" and _HAS_DIGIT.search(value):
            return ("37", f"{value!r} has digits in an alphabetic element")
    if size > hi:
        return ("39", f"{value!r} is longer than {hi}")
    if size < lo:
        return ("40", f"{value!r} is shorter than {lo}")
    return None


class SegmentChecker:
    """Element checks for one segment tag, compiled from its directory entry.

    Only present elements and components are visited, plus the mandatory ones after the last
    present one; ``an`` values are checked inline (a length comparison), the rest through
    :func:`_check_value`.
    """

    __slots__ = ("tag", "elements", "mandatory")

    def __init__(self, tag: str, spec: list[Any], code_lists: dict[str, dict[str, str]]) -> None:
        self.tag = tag
        self.elements: list[tuple] = []
        for pos, code, status, rep in spec:
            if isinstance(rep, list):
                comps = tuple(
                    (c, s, r, r[0] == "an", r[1], r[2],
                     code_lists.get(c) if (tag, c) in CHECKED_CODES else None)
                    for c, s, r in rep
                )
                mand = tuple(j for j, c in enumerate(comps, 1) if c[1] == "M")
                self.elements.append((code, status, None, comps, None, mand))
            else:
                cl = code_lists.get(code) if (tag, code) in CHECKED_CODES else None
                self.elements.append((code, status, rep, None, cl, ()))
        self.mandatory = tuple(i for i, e in enumerate(self.elements, 1) if e[1] == "M")

    def check(self, seg: list, position: int, lenient: bool, out: list[Finding],
              codes_lenient: bool | None = None) -> None:
        """Append findings for one segment. ``lenient``: structure differences of another
        directory are warnings; ``codes_lenient``: code list misses are warnings."""
        tag = self.tag
        specs = self.elements
        n = len(seg) - 1
        if n and seg[-1].__class__ is tuple:  # ("REPEATED", k) from a syntax 4 repetition
            n -= 1
            out.append(("16", f"{seg[-1][1]} element repetition(s) ignored", position, tag, None,
                        "warning"))
        nspec = len(specs)
        if n > nspec:
            extra = seg[nspec + 1 : n + 1]
            if any(e != "" and e != [""] * len(e) for e in extra if isinstance(e, (str, list))):
                out.append(("16", f"{tag} has {n} data elements, at most {nspec} allowed",
                            position, tag, str(nspec + 1), "warning" if lenient else "error"))
            n = nspec
        for i in range(1, n + 1):
            code, status, rep, comps, cl, cmand = specs[i - 1]
            value = seg[i]
            if comps is None:
                if value.__class__ is list:
                    if any(value[1:]):
                        out.append(("16", f"element {code} is not a composite", position, tag,
                                    str(i), "warning" if lenient else "error"))
                    value = value[0]
                if value == "":
                    if status == "M":
                        out.append(("13", f"mandatory element {code} missing", position, tag,
                                    str(i), "error"))
                    continue
                if rep[0] == "an" and rep[1] <= len(value) <= rep[2]:
                    bad = None
                else:
                    bad = _check_value(value, rep)
                if bad:
                    out.append((bad[0], f"element {code}: {bad[1]}", position, tag, str(i), "error"))
                elif cl is not None and value not in cl:
                    out.append(("12", f"element {code}: {value!r} is not in code list {code}",
                                position, tag, str(i), self._code_sev(lenient, codes_lenient)))
                continue
            if value.__class__ is str:
                if value == "":
                    if status == "M":
                        out.append(("13", f"mandatory composite {code} missing", position, tag,
                                    str(i), "error"))
                    continue
                value = [value]
            elif not any(value):
                if status == "M":
                    out.append(("13", f"mandatory composite {code} missing", position, tag,
                                str(i), "error"))
                continue
            m = len(value)
            if m > len(comps):
                if any(value[len(comps):]):
                    out.append(("16", f"composite {code} has too many components", position, tag,
                                f"{i}.{len(comps) + 1}", "warning" if lenient else "error"))
                m = len(comps)
            for j in range(1, m + 1):
                cv = value[j - 1]
                ccode, cstatus, crep, is_an, lo, hi, ccl = comps[j - 1]
                if cv == "":
                    if cstatus == "M":
                        out.append(("13", f"mandatory component {ccode} of {code} missing",
                                    position, tag, f"{i}.{j}", "error"))
                    continue
                if is_an and lo <= len(cv) <= hi:
                    bad = None
                else:
                    bad = _check_value(cv, crep)
                if bad:
                    out.append((bad[0], f"component {ccode}: {bad[1]}", position, tag, f"{i}.{j}",
                                "error"))
                elif ccl is not None and cv not in ccl:
                    out.append(("12", f"component {ccode}: {cv!r} is not in code list {ccode}",
                                position, tag, f"{i}.{j}",
                                self._code_sev(lenient, codes_lenient)))
            for j in cmand:
                if j > m:
                    out.append(("13", f"mandatory component {comps[j - 1][0]} of {code} missing",
                                position, tag, f"{i}.{j}", "error"))
        for i in self.mandatory:
            if i > n:
                out.append(("13", f"mandatory element {specs[i - 1][0]} missing", position, tag,
                            str(i), "error"))

    @staticmethod
    def _code_sev(lenient: bool, codes_lenient: bool | None) -> str:
        return "warning" if (lenient if codes_lenient is None else codes_lenient) else "error"


_CHECKERS: dict[tuple[str, str], SegmentChecker | None] = {}


def checker_for(tag: str, syntax_version: str = "3") -> SegmentChecker | None:
    key = (tag, syntax_version)
    if key in _CHECKERS:
        return _CHECKERS[key]
    service = SERVICE_SEGMENTS_V4 if syntax_version == "4" else SERVICE_SEGMENTS_V3
    entry = service.get(tag) or d96a.SEGMENTS.get(tag)
    checker = SegmentChecker(tag, entry[1], d96a.CODES) if entry else None
    _CHECKERS[key] = checker
    return checker


def syntax_error_name(code: str) -> str:
    """The UNSL 0085 name of a syntax error code ("13" -> "Missing")."""
    return d96a.SERVICE_CODES["0085"].get(code, "Unspecified error")
