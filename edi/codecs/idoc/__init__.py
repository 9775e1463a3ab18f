"""SAP IDoc XML codec: bytes <-> canonical documents, in pure Python (lxml, no Django).

Read: ORDERS05 (ORDERS, ORDCHG: purchase orders from SAP; ORDRSP: order responses), DELVRY03
(DESADV: inbound deliveries) and INVOIC02 (invoices). Write: the same, one IDoc type per file
(a file holds several IDocs of one type). The mapping is in docs/erp-idoc.md.

    from edi.codecs import idoc
    docs = idoc.read_documents(data)            # list of canonical documents
    data = idoc.write_documents(docs)           # IDoc XML bytes

Reading is safe against hostile files: size limit, no DOCTYPE / entities (XXE, billion laughs),
no network, no DTD; errors name where, never what the file says (``edi.codecs.idoc.xml``).
"""

from __future__ import annotations

from typing import Any, Iterable

from lxml import etree

from edi.codecs.base import CanonicalError, EdiSyntaxError
from edi.codecs.canonical import check_document
from edi.codecs.idoc import mapping
from edi.codecs.idoc.xml import DEFAULT_MAX_BYTES, parse, serialize

MAX_IDOCS = 100_000


def read_documents(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[dict[str, Any]]:
    """Every IDoc of an IDoc XML file as a canonical document, in file order.

    Raises :class:`EdiSyntaxError` for a file that is not safe or not an IDoc file and
    :class:`~edi.codecs.base.UnsupportedDocument` for a basic type that is not translated.
    """
    root = parse(data, max_bytes=max_bytes)
    idocs = root.findall("IDOC") if root.tag != "IDOC" else [root]
    if not idocs:
        raise EdiSyntaxError(f"no IDOC element under the root element {_tag(root)}")
    if len(idocs) > MAX_IDOCS:
        raise EdiSyntaxError(f"more than {MAX_IDOCS} IDocs in one file")
    documents = []
    for n, idoc in enumerate(idocs, start=1):
        control = mapping.read_control(idoc, n)
        idoctyp = control["idoctyp"] or (root.tag.upper() if root.tag != "IDOC" else "")
        documents.append(mapping.reader_for(idoctyp, n)(idoc, control, n))
    return documents


def write_documents(docs: Iterable[dict[str, Any]]) -> bytes:
    """Canonical documents as one IDoc XML file (all of one IDoc basic type)."""
    docs = list(docs)
    if not docs:
        raise CanonicalError("nothing to write")
    kinds = set()
    for doc in docs:
        check_document(doc)
        if doc["type"] not in mapping.WRITERS:
            raise CanonicalError(f"{doc['type']} documents have no IDoc form here")
        kinds.add(mapping.WRITERS[doc["type"]][0])
    if len(kinds) > 1:
        raise CanonicalError(f"one IDoc basic type per file, not {', '.join(sorted(kinds))}")
    root = etree.Element(kinds.pop())
    for doc in docs:
        mapping.WRITERS[doc["type"]][1](root, doc)
    return serialize(root)


def _tag(node: etree._Element) -> str:
    tag = str(node.tag)
    return tag if len(tag) <= 40 else tag[:40] + "…"


__all__ = ["read_documents", "write_documents"]
