"""Compile the set tables into state machines and the segment definitions into validators.

A state is a path of positions through the table (loop nesting is static in X12: the HL
hierarchy of an 856 is carried in HL01/HL02, not in nested loops), so every state and every
transition can be computed once. Reading a segment is then one dict lookup plus a few integer
updates; only the repeat counts of the current segment and of the open loops are dynamic.

Validators are generated Python functions, one per segment tag: straight-line code per element
(length, type, code list) and per syntax note, no per-element objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Callable

from edi.codecs.x12.dictionary import CODES, COMPOSITE_FIRST, ELEMENTS, SEGMENTS, SYNTAX
from edi.codecs.x12.sets import TABLES

# Transition kinds
REPEAT, ADVANCE, ENTER, LOOP_REPEAT = 0, 1, 2, 3


@dataclass(slots=True)
class Seg:
    tag: str
    required: bool
    max: int | None


@dataclass(slots=True)
class Loop:
    id: str
    required: bool
    max: int | None
    children: list[Any] = field(default_factory=list)

    @property
    def trigger(self) -> str:
        return self.children[0].tag


def _max(v: int | str) -> int | None:
    return None if v == ">1" else int(v)


def _build(entry: Any) -> Seg | Loop:
    if isinstance(entry, str):
        tag, req, mx = entry.split()
        return Seg(tag, req == "M", _max(mx))
    _, loop_id, req, mx, children = entry
    return Loop(loop_id, req == "M", _max(mx), [_build(c) for c in children])


@dataclass(slots=True)
class Machine:
    """A compiled transaction set: ``transitions[state][tag]`` and what each state means."""

    set_id: str
    # (next state, kind, max, missing mandatory tags, depth kept)
    transitions: list[dict[str, tuple[int, int, int | None, tuple[str, ...], int]]]
    loop_of_state: list[str]
    tags: frozenset[str]
    # mandatory segments still missing when SE arrives in each state (SE has no transition)
    se_missing: list[tuple[str, ...]]


def _loop_at(root: Loop, prefix: tuple[int, ...]) -> Loop:
    node: Any = root
    for i in prefix:
        node = node.children[i]
    return node


def _find(root: Loop, path: tuple[int, ...], tag: str):
    missing: list[str] = []
    depth = len(path) - 1
    for d in range(depth, -1, -1):
        loop = _loop_at(root, path[:d])
        pos = path[d]
        ch = loop.children
        if d == depth:
            node = ch[pos]
            if node.tag == tag and not (pos == 0 and d > 0):
                return path, REPEAT, node.max, (), d + 1
        for j in range(pos + 1, len(ch)):
            node = ch[j]
            if isinstance(node, Seg):
                if node.tag == tag:
                    return path[:d] + (j,), ADVANCE, node.max, tuple(missing), d + 1
                if node.required:
                    missing.append(node.tag)
            else:
                if node.trigger == tag:
                    return path[:d] + (j, 0), ENTER, node.max, tuple(missing), d + 1
                if node.required:
                    missing.append(node.trigger)
        if d > 0:
            if loop.trigger == tag:
                return path[:d] + (0,), LOOP_REPEAT, loop.max, tuple(missing), d + 1
    return None


def _all_tags(node: Any, out: set[str]) -> None:
    if isinstance(node, Seg):
        out.add(node.tag)
    else:
        for c in node.children:
            _all_tags(c, out)


@lru_cache(maxsize=None)
def machine(set_id: str) -> Machine:
    """The compiled state machine of a transaction set (``"850"``, ``"999"``...)."""
    root = Loop("ST", True, 1, [_build(e) for e in TABLES[set_id]])
    tags: set[str] = set()
    _all_tags(root, tags)
    ids: dict[tuple[int, ...], int] = {(0,): 0}
    order: list[tuple[int, ...]] = [(0,)]
    transitions: list[dict[str, Any]] = []
    loops: list[str] = []
    se_missing: list[tuple[str, ...]] = []
    i = 0
    while i < len(order):
        path = order[i]
        table: dict[str, Any] = {}
        for tag in tags:
            found = _find(root, path, tag)
            if tag == "SE":
                se_missing.append(found[3] if found else ())
                continue
            if found is None:
                continue
            new_path, kind, mx, missing, keep = found
            if new_path not in ids:
                ids[new_path] = len(order)
                order.append(new_path)
            table[tag] = (ids[new_path], kind, mx, missing, keep)
        transitions.append(table)
        loops.append(_loop_at(root, path[:-1]).id)
        i += 1
    return Machine(set_id, transitions, loops, frozenset(tags), se_missing)


# --- element validation --------------------------------------------------------------------

_R = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)\Z").match
_DT_CACHE: dict[str, bool] = {}


def _real_date(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def dt8(x: str) -> bool:
    r = _DT_CACHE.get(x)
    if r is None:
        r = (len(x) == 8 and x.isascii() and x.isdigit()
             and _real_date(int(x[:4]), int(x[4:6]), int(x[6:])))
        if len(_DT_CACHE) < 50000:
            _DT_CACHE[x] = r
    return r


def dt6(x: str) -> bool:
    if len(x) == 8:
        return dt8(x)
    return (len(x) == 6 and x.isascii() and x.isdigit()
            and _real_date(2000 + int(x[:2]), int(x[2:4]), int(x[4:])))


def tm(x: str) -> bool:
    return (len(x) in (4, 6, 7, 8) and x.isascii() and x.isdigit() and int(x[:2]) < 24
            and int(x[2:4]) < 60 and (len(x) < 6 or int(x[4:6]) < 60))


def iso_date(x: str) -> str:
    """CCYYMMDD (or legacy YYMMDD, 50-year window) to YYYY-MM-DD."""
    if len(x) == 6:
        yy = int(x[:2])
        return f"{2000 + yy if yy < 50 else 1900 + yy}-{x[2:4]}-{x[4:6]}"
    return f"{x[:4]}-{x[4:6]}-{x[6:8]}"


def _type_check(lines: list[str], pos: int, eid: str, tag: str, ind: str) -> None:
    kind, mn, mx = ELEMENTS.get(eid, ("AN", 1, 999))
    ref = f"{tag}{pos:02d}"
    add = f"E = _add(E, {pos}, "
    if kind in ("AN", "ID"):
        lines.append(f"{ind}l = len(x)")
        lines.append(f"{ind}if l < {mn}: {add}'4', '{ref} shorter than {mn}')")
        lines.append(f"{ind}elif l > {mx}: {add}'5', '{ref} longer than {mx}')")
        if kind == "ID" and eid in CODES:
            lines.append(f"{ind}elif x not in C{eid}: {add}'7', '{ref} code ' + repr(x) + "
                         f"' not in the code list of element {eid}')")
        if kind == "ID" and eid == "100":
            lines.append(f"{ind}elif not (x.isascii() and x.isalpha() and x.isupper()): "
                         f"{add}'7', '{ref} is not a currency code')")
    elif kind.startswith("N"):
        lines.append(f"{ind}d = x[1:] if x[0] == '-' else x")
        lines.append(f"{ind}if not (d.isascii() and d.isdigit()): "
                     f"{add}'6', '{ref} is not a number: ' + repr(x))")
        lines.append(f"{ind}elif len(d) < {mn}: {add}'4', '{ref} shorter than {mn}')")
        lines.append(f"{ind}elif len(d) > {mx}: {add}'5', '{ref} longer than {mx}')")
    elif kind == "R":
        lines.append(f"{ind}if not _R(x): {add}'6', '{ref} is not a decimal: ' + repr(x))")
        lines.append(f"{ind}else:")
        lines.append(f"{ind}    l = len(x) - x.count('.') - (x[0] == '-')")
        lines.append(f"{ind}    if l < {mn}: {add}'4', '{ref} shorter than {mn} digits')")
        lines.append(f"{ind}    elif l > {mx}: {add}'5', '{ref} longer than {mx} digits')")
    elif kind == "DT":
        lines.append(f"{ind}if not _DT(x): {add}'8', '{ref} is not a date: ' + repr(x))")
    elif kind == "TM":
        lines.append(f"{ind}if not _TM(x): {add}'9', '{ref} is not a time: ' + repr(x))")


def _add(errors: list | None, pos: int, code: str, text: str) -> list:
    if errors is None:
        errors = []
    errors.append((pos, code, text))
    return errors


def _compile(tag: str, legacy_dates: bool) -> Callable[[list[str], str], list | None]:
    count, elements = SEGMENTS[tag]
    lines = ["def v(el, cs):", "    n = len(el)", "    E = None",
             f"    if n > {count + 1}: E = _add(E, {count + 1}, '3', "
             f"'{tag} has ' + str(n - 1) + ' elements, at most {count}')"]
    for pos, (eid, req) in enumerate(elements, start=1):
        lines.append(f"    x = el[{pos}] if n > {pos} else ''")
        lines.append("    if x:")
        if ELEMENTS.get(eid, ("AN",))[0] == "C":
            first = COMPOSITE_FIRST.get(eid)
            lines.append("        x = x.split(cs, 1)[0]")
            if req == "M":
                lines.append(f"        if not x: E = _add(E, {pos}, '1', "
                             f"'mandatory element {tag}{pos:02d} missing')")
            if first:
                lines.append("        if x:")
                _type_check(lines, pos, first, tag, "            ")
        else:
            _type_check(lines, pos, eid, tag, "        ")
        if req == "M":
            lines.append(f"    else: E = _add(E, {pos}, '1', "
                         f"'mandatory element {tag}{pos:02d} missing')")
        else:
            lines.append("    else: pass")
    for kind, positions in SYNTAX.get(tag, []):
        have = " ".join(f"h{p} = n > {p} and el[{p}] != '';" for p in positions)
        lines.append(f"    {have}")
        names = "/".join(f"{tag}{p:02d}" for p in positions)
        first, rest = positions[0], positions[1:]
        if kind == "P":
            for p in positions:
                others = " or ".join(f"h{q}" for q in positions if q != p)
                lines.append(f"    if not h{p} and ({others}): E = _add(E, {p}, '2', "
                             f"'{names} must be used together')")
        elif kind == "R":
            anyp = " or ".join(f"h{p}" for p in positions)
            lines.append(f"    if not ({anyp}): E = _add(E, {first}, '2', "
                         f"'one of {names} is required')")
        elif kind == "C":
            for p in rest:
                lines.append(f"    if h{first} and not h{p}: E = _add(E, {p}, '2', "
                             f"'{tag}{p:02d} is required when {tag}{first:02d} is present')")
        elif kind == "E":
            cnt = " + ".join(f"h{p}" for p in positions)
            lines.append(f"    if {cnt} > 1: E = _add(E, {rest[0]}, '10', "
                         f"'only one of {names} may be used')")
        elif kind == "L":
            anyr = " or ".join(f"h{p}" for p in rest)
            lines.append(f"    if h{first} and not ({anyr}): E = _add(E, {rest[0]}, '2', "
                         f"'{names}: {tag}{first:02d} needs one of the others')")
    lines.append("    return E")
    env: dict[str, Any] = {"_add": _add, "_R": _R, "_DT": dt6 if legacy_dates else dt8,
                           "_TM": tm}
    for eid, codes in CODES.items():
        env[f"C{eid}"] = codes
    exec("\n".join(lines), env)  # noqa: S102 - source generated above from our own tables
    return env["v"]


@lru_cache(maxsize=None)
def validators(legacy_dates: bool = False) -> dict[str, Callable[[list[str], str], list | None]]:
    """Validator per segment tag: ``v(elements, component_separator) -> [(pos, code, text)]``."""
    return {tag: _compile(tag, legacy_dates) for tag in SEGMENTS}


KNOWN_TAGS: frozenset[str] = frozenset(
    set().union(*(machine(s).tags for s in TABLES)) | {"ISA", "IEA", "GS", "GE", "TA1", "ST",
                                                      "SE"})
