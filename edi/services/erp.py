"""The ERP side of the file interface: canonical JSON and/or SAP IDoc XML out (one file per
document, written atomically; ``ERP_OUTBOX_FORMAT``) and canonical JSON or IDoc XML in (dropped
into the ERP inbox, picked up by the poller)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Callable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from edi.files import hub_paths, write_atomic
from edi.models import Interchange

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def erp_outbox_file_name(*, document: dict[str, Any], interchange: Interchange, index: int) -> str:
    partner = interchange.partner.code if interchange.partner_id else "erp"
    doc_id = _UNSAFE.sub("_", str(document.get("id") or "noid"))[:60]
    return f"{document.get('type', 'document')}-{partner}-{doc_id}-{interchange.pk}-{index}.json"


def erp_outbox_write(*, document: dict[str, Any], interchange: Interchange, index: int) -> str:
    """Write one canonical document for the ERP. The name is fixed per interchange and message, so
    running this again rewrites the same file with the same content instead of adding one."""
    name = erp_outbox_file_name(document=document, interchange=interchange, index=index)
    body = dict(document)
    body.setdefault("x_tsunagi", {
        "interchange": interchange.pk,
        "partner": interchange.partner.code if interchange.partner_id else None,
        "supplier": interchange.partner.supplier.code if interchange.partner_id else None,
        "message": index,
    })
    return _write_outbox(name, body)


def outbox_format() -> str:
    """``ERP_OUTBOX_FORMAT``: json (default), idoc or both."""
    value = str(getattr(settings, "ERP_OUTBOX_FORMAT", "json") or "json").strip().lower()
    return value if value in ("json", "idoc", "both") else "json"


def _write_outbox(name: str, body: dict[str, Any]) -> str:
    """Canonical JSON and/or SAP IDoc XML (same base name, ``.xml``) in the ERP outbox.

    A document with no IDoc form (a delivery schedule, an acknowledgement) or one the IDoc
    writer refuses still goes out as JSON, so the ERP never silently misses it.
    """
    outbox = hub_paths().erp_outbox
    fmt = outbox_format()
    written = ""
    if fmt in ("idoc", "both"):
        from edi.codecs import idoc
        from edi.codecs.base import EdiError

        try:
            xml = idoc.write_documents([body])
        except EdiError as exc:
            log.warning("ERP outbox: %s as JSON, not IDoc: %s", name, exc)
            fmt = "json"
        else:
            xml_name = name[: -len(".json")] + ".xml" if name.endswith(".json") else name + ".xml"
            write_atomic(outbox / xml_name, xml)
            written = xml_name
    if fmt in ("json", "both"):
        write_atomic(outbox / name, json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode())
        written = name
    return written


def parse_idoc_file(interchange: Interchange, path: Path, store: Callable[..., Interchange]) -> Interchange:
    """An SAP IDoc XML file dropped in the ERP inbox: its IDocs become canonical documents that
    the pipeline stores and maps (purchase orders through ``purchase_order_upsert``).

    A file that is too large, not well-formed, carries a DOCTYPE / entities (XXE, billion
    laughs) or is of an untranslated type fails the interchange with the reason; the reason
    never quotes the file.
    """
    from edi.codecs import idoc
    from edi.codecs.base import EdiError
    from edi.services.inbound import PipelineError

    limit = int(getattr(settings, "IDOC_MAX_BYTES", 50 * 1024 * 1024))
    if path.stat().st_size > limit:
        raise PipelineError(f"IDoc XML refused: the file is larger than the limit of {limit} bytes (IDOC_MAX_BYTES)")
    try:
        documents = idoc.read_documents(path.read_bytes(), max_bytes=limit)
    except EdiError as exc:
        raise PipelineError(f"IDoc XML refused: {exc}") from None
    return store(interchange, documents, message_type="IDOC")


def erp_publish(*, document: dict[str, Any], supplier_code: str, source: str, key: str) -> str:
    """Hand a document that did not arrive by EDI (a portal confirmation or ASN, an API call) to
    the ERP, the same way EDI documents are handed over: one canonical JSON file in the outbox.

    ``key`` makes the file name stable (``web-asn-123``): publishing the same thing again rewrites
    the same file. Returns the file name. (The ERP API's change feeds build on this call.)
    """
    name = f"{document.get('type', 'document')}-{_UNSAFE.sub('_', supplier_code)}-{_UNSAFE.sub('_', key)[:80]}.json"
    body = dict(document)
    body.setdefault("x_tsunagi", {"supplier": supplier_code, "source": source})
    return _write_outbox(name, body)
