"""Generate the D.96A tables from the official UN/EDIFACT directory text files.

    python -m edi.codecs.edifact.directory /work/shared/edifact-d96a edi/codecs/edifact/tables/d96a.py

reads the UNECE files (code page 437, CRLF): the message definitions (segment tables with their
box-drawing group brackets), TRSD (segments), TRCD (composites), TRED (elements), UNCL (code lists)
and UNSL (service code lists), and writes a Python module of plain literals. The tables are
generated, never typed: a test regenerates them and compares.

Shapes written (``d96a.py``):

- ``MESSAGES[type]``: the segment table as a tree. A segment is ``(pos, tag, status, max)``, a
  group ``(pos, "SGn", status, max, [children])``; status ``"M"`` or ``"C"``.
- ``SEGMENTS[tag] = (name, [element, ...])``; an element is ``(pos, code, status, repr)`` for a
  simple element or ``(pos, code, status, [(code, status, repr), ...])`` for a composite; ``repr``
  is ``(kind, min, max)`` with kind ``"a"``, ``"n"`` or ``"an"`` (``an..35`` = ``("an", 1, 35)``,
  ``a3`` = ``("a", 3, 3)``).
- ``COMPOSITES[code] = (name, [(code, status, repr), ...])``, ``ELEMENTS[code] = (name, repr)``.
- ``CODES[element] = {code: name}`` for the code lists the engine checks.
- ``SERVICE_CODES[element] = {code: name}`` from UNSL (0001, 0083, 0085 and friends).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

MESSAGE_TYPES = ("ORDERS", "ORDRSP", "ORDCHG", "DESADV", "DELFOR", "INVOIC", "QALITY", "RECADV")

# Code lists (UNCL) kept in the tables: the coded elements the mappings read or write.
CODE_LISTS = (
    "1001", "1153", "1225", "1229", "2005", "2379", "3035", "3055", "4017", "4233", "4343",
    "4347", "4405", "5025", "5125", "6063", "6347", "7143", "7405",
)
SERVICE_CODE_LISTS = ("0001", "0025", "0029", "0031", "0035", "0051", "0083", "0085")

_RULE = re.compile(r"^─{10,}")
_CHANGE = r"[*+#|X-]+"
_REPR = re.compile(r"^(an|a|n)(\.\.)?(\d+)$")


def read_text(path: Path) -> list[str]:
    return path.read_bytes().decode("cp437").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_repr(text: str) -> tuple[str, int, int]:
    m = _REPR.match(text.strip())
    if not m:
        raise ValueError(f"unreadable representation {text!r}")
    kind, dots, size = m.group(1), m.group(2), int(m.group(3))
    return (kind, 1 if dots else size, size)


def blocks(lines: list[str]) -> list[list[str]]:
    """Split a directory file into entries at the horizontal rules."""
    out: list[list[str]] = [[]]
    for line in lines:
        if _RULE.match(line):
            out.append([])
        else:
            out[-1].append(line)
    return [b for b in out if any(x.strip() for x in b)]


# --- message segment tables ----------------------------------------------------------------

_SEG_LINE = re.compile(rf"^(\d{{4}})\s+(?:{_CHANGE}\s*)?([A-Z]{{3}}) (.+?)\s+([MC])\s+(\d+)(.*)$")
_GRP_LINE = re.compile(
    rf"^(\d{{4}})\s+(?:{_CHANGE}\s*)?─+ Segment group (\d+)\s*─+ ([MC])\s+(\d+)(.*)$"
)


def parse_message(lines: list[str]) -> list[Any]:
    """Parse the 4.3.1 segment table; group nesting comes from the bracket drawing."""
    start = None
    for i, line in enumerate(lines):
        if re.match(r"^4\.3\.1\s+Segment table", line):
            start = i  # the last match is the table itself, the first is the contents list
    if start is None:
        raise ValueError("no segment table")
    root: list[Any] = []
    stack: list[list[Any]] = [root]
    for line in lines[start + 1 :]:
        if line.startswith("4.4") or line.startswith("5."):
            break
        g = _GRP_LINE.match(line)
        if g:
            children: list[Any] = []
            stack[-1].append((g.group(1), f"SG{g.group(2)}", g.group(3), int(g.group(4)), children))
            stack.append(children)
            continue
        s = _SEG_LINE.match(line)
        if s:
            stack[-1].append((s.group(1), s.group(2), s.group(4), int(s.group(5))))
            closes = s.group(6).count("┘") + s.group(6).count("┴")
            for _ in range(closes):
                if len(stack) == 1:
                    raise ValueError(f"unbalanced group bracket at {line!r}")
                stack.pop()
    if len(stack) != 1:
        raise ValueError("segment group left open")
    return root


# --- segments, composites, elements ----------------------------------------------------------

_SEG_HEAD = re.compile(rf"^\s+(?:{_CHANGE}\s+)?([A-Z]{{3}})\s{{2,}}(\S.*)$")
_SEG_ELEM = re.compile(rf"^(\d{{3}})\s+(?:{_CHANGE}\s*)?(C\d{{3}}|S\d{{3}}|\d{{4}})\s+(.+?)\s+([MC])(?:\s+(\S+))?\s*$")
_COMPONENT = re.compile(rf"^\s+(?:{_CHANGE}\s*)?(\d{{4}})\s+(.+?)\s+([MC])\s+(\S+)\s*$")
_COMP_HEAD = re.compile(rf"^\s+(?:{_CHANGE}\s+)?(C\d{{3}})\s{{2,}}(\S.*)$")
_COMP_ELEM = re.compile(rf"^(\d{{3}})\s+(?:{_CHANGE}\s*)?(\d{{4}})\s+(.+?)\s+([MC])\s+(\S+)\s*$")
_ELEM_HEAD = re.compile(rf"^(?:{_CHANGE})?\s+(\d{{4}})\s{{2,}}(\S.*)$")


def parse_segments(lines: list[str]) -> dict[str, Any]:
    segments: dict[str, Any] = {}
    for block in blocks(lines):
        head = next((_SEG_HEAD.match(x) for x in block if _SEG_HEAD.match(x)), None)
        if head is None:
            continue
        tag, name = head.group(1), head.group(2).strip()
        if tag in segments:
            raise ValueError(f"segment {tag} defined twice")
        elements: list[Any] = []
        for line in block:
            e = _SEG_ELEM.match(line)
            if e:
                pos, code, status, rep = e.group(1), e.group(2), e.group(4), e.group(5)
                if code[0] in "CS":
                    elements.append((pos, code, status, []))
                else:
                    elements.append((pos, code, status, parse_repr(rep or "")))
                continue
            c = _COMPONENT.match(line)
            if c and elements and isinstance(elements[-1][3], list):
                elements[-1][3].append((c.group(1), c.group(3), parse_repr(c.group(4))))
        segments[tag] = (name.capitalize(), elements)
    return segments


def parse_composites(lines: list[str]) -> dict[str, Any]:
    composites: dict[str, Any] = {}
    for block in blocks(lines):
        head = next((_COMP_HEAD.match(x) for x in block if _COMP_HEAD.match(x)), None)
        if head is None:
            continue
        comps = [
            (m.group(2), m.group(4), parse_repr(m.group(5)))
            for m in (_COMP_ELEM.match(x) for x in block)
            if m
        ]
        composites[head.group(1)] = (head.group(2).strip().capitalize(), comps)
    return composites


def parse_elements(lines: list[str]) -> dict[str, Any]:
    elements: dict[str, Any] = {}
    for block in blocks(lines):
        head = next((_ELEM_HEAD.match(x) for x in block if _ELEM_HEAD.match(x)), None)
        if head is None:
            continue
        rep = next((x.split("Repr:", 1)[1].strip() for x in block if "Repr:" in x), None)
        if rep is None:
            continue
        elements[head.group(1)] = (head.group(2).strip(), parse_repr(rep))
    return elements


# --- code lists ----------------------------------------------------------------------------

_CODE_HEAD = re.compile(rf"^(?:{_CHANGE})?\s*(\d{{4}})\s{{2,}}(\S.*)$")


def parse_code_lists(lines: list[str], wanted: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Code entries start within the first 9 columns (numbers right-aligned on column 9, letter
    codes left-aligned on column 4); descriptions and wrapped names are indented deeper."""
    out: dict[str, dict[str, str]] = {}
    for block in blocks(lines):
        head = next((_CODE_HEAD.match(x) for x in block[:3] if _CODE_HEAD.match(x)), None)
        if head is None or head.group(1) not in wanted:
            continue
        try:
            body_start = next(i for i, x in enumerate(block) if "Repr:" in x) + 1
        except StopIteration:
            continue
        codes: dict[str, str] = {}
        for line in block[body_start:]:
            # change indicators ("X", "#|"...) occupy the first columns
            m = re.match(r"^[*+#|X-]{1,2}(?= )", line)
            if m:
                line = " " * m.end() + line[m.end() :]
            m = re.match(r"^( +)([A-Z0-9]{1,4}) +(\S.*)$", line)
            if m and len(m.group(1)) <= 8:
                codes.setdefault(m.group(2), m.group(3).strip())
        out[head.group(1)] = codes
    missing = set(wanted) - set(out)
    if missing:
        raise ValueError(f"code lists not found: {sorted(missing)}")
    return out


# --- output --------------------------------------------------------------------------------


def build(directory: Path) -> dict[str, Any]:
    uncl = read_text(directory / "UNCL-1.96A") + read_text(directory / "UNCL-2.96A")
    return {
        "MESSAGES": {t: parse_message(read_text(directory / f"{t}_D.96A")) for t in MESSAGE_TYPES},
        "SEGMENTS": parse_segments(read_text(directory / "TRSD.96A")),
        "COMPOSITES": parse_composites(read_text(directory / "TRCD.96A")),
        "ELEMENTS": parse_elements(read_text(directory / "TRED.96A")),
        "CODES": parse_code_lists(uncl, CODE_LISTS),
        "SERVICE_CODES": parse_code_lists(read_text(directory / "UNSL.96A"), SERVICE_CODE_LISTS),
    }


def _emit_message(node: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if len(node) == 4:
        out.append(f"{pad}{node!r},")
        return
    pos, tag, status, rep, children = node
    out.append(f"{pad}({pos!r}, {tag!r}, {status!r}, {rep!r}, [")
    for child in children:
        _emit_message(child, indent + 4, out)
    out.append(f"{pad}]),")


def render(tables: dict[str, Any]) -> str:
    out = [
        '"""UN/EDIFACT D.96A tables. GENERATED by edi.codecs.edifact.directory from the UNECE',
        "directory text files; do not edit by hand (regenerate instead).",
        '"""',
        "",
        "# fmt: off",
        "# ruff: noqa: E501",
        "",
        'VERSION = "D96A"',
        "",
        "MESSAGES = {",
    ]
    for mtype, tree in tables["MESSAGES"].items():
        out.append(f"    {mtype!r}: [")
        for node in tree:
            _emit_message(node, 8, out)
        out.append("    ],")
    out.append("}")
    for name in ("SEGMENTS", "COMPOSITES", "ELEMENTS"):
        out.append("")
        out.append(f"{name} = {{")
        for key in sorted(tables[name]):
            out.append(f"    {key!r}: {tables[name][key]!r},")
        out.append("}")
    for name in ("CODES", "SERVICE_CODES"):
        out.append("")
        out.append(f"{name} = {{")
        for key in sorted(tables[name]):
            out.append(f"    {key!r}: {{")
            for code, text in tables[name][key].items():
                out.append(f"        {code!r}: {text!r},")
            out.append("    },")
        out.append("}")
    out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m edi.codecs.edifact.directory DIRECTORY OUTPUT.py", file=sys.stderr)
        return 2
    text = render(build(Path(argv[0])))
    Path(argv[1]).parent.mkdir(parents=True, exist_ok=True)
    Path(argv[1]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
