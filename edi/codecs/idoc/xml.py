"""Safe XML in and out for IDoc files: lxml with every door closed.

Reading refuses, before lxml sees the bytes, anything over the size limit and any document
type declaration (``<!DOCTYPE``, ``<!ENTITY``): an IDoc never needs one, and XXE and
"billion laughs" both need one. The parser is then configured as if they could get through
anyway (no entity resolution, no DTD loading, no network, no huge trees). Errors name a line
and column, never the file's content.
"""

from __future__ import annotations

import re

from lxml import etree

from edi.codecs.base import EdiSyntaxError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True, collect_ids=False,
    )


def parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise EdiSyntaxError("IDoc XML must be bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise EdiSyntaxError(f"the IDoc file is larger than the limit of {max_bytes} bytes")
    if _DECLARATION.search(data) or _DECLARATION.search(_utf16_ascii(data)):
        raise EdiSyntaxError("the IDoc XML has a document type declaration (DOCTYPE or ENTITY); "
                             "IDoc files never need one and it is refused (XXE / entity expansion)")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise EdiSyntaxError(f"not well-formed XML (line {line}, column {column})") from None
    if root is None:
        raise EdiSyntaxError("empty XML document")
    # Belt and braces: whatever the scan missed must not have produced a DTD or entity nodes.
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise EdiSyntaxError("the IDoc XML has a document type declaration; it is refused")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise EdiSyntaxError("the IDoc XML uses entity references; they are refused")
    return root


def _utf16_ascii(data: bytes) -> bytes:
    """Declarations hidden in UTF-16 (every other byte zero) become visible to the scan."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 3 and (data[1] == 0 or data[0] == 0)):
        return data.replace(b"\x00", b"")
    return b""


def text(node: etree._Element, tag: str) -> str:
    child = node.find(tag)
    if child is None or child.text is None:
        return ""
    return child.text.strip()


def element(parent: etree._Element, tag: str, **fields: str | None) -> etree._Element:
    """``<TAG SEGMENT="1"><F>v</F>...</TAG>``; fields that are None or "" are left out."""
    node = etree.SubElement(parent, tag, SEGMENT="1")
    for name, value in fields.items():
        if value not in (None, ""):
            etree.SubElement(node, name).text = str(value)
    return node


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
