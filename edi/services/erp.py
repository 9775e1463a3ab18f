"""The ERP side of the file interface: canonical JSON out (one file per document, written
atomically) and canonical JSON in (dropped into the ERP inbox, picked up by the poller)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

from django.core.serializers.json import DjangoJSONEncoder

from edi.files import hub_paths, write_atomic
from edi.models import Interchange

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def erp_outbox_file_name(*, document: dict[str, Any], interchange: Interchange, index: int) -> str:
    partner = interchange.partner.code if interchange.partner_id else "erp"
    doc_id = _UNSAFE.sub("_", str(document.get("id") or "noid"))[:60]
    return f"{document.get('type', 'document')}-{partner}-{doc_id}-{interchange.pk}-{index}.json"


def erp_outbox_write(*, document: dict[str, Any], interchange: Interchange, index: int) -> str:
    """Write one canonical document for the ERP. The name is fixed per interchange and message, so
    running this again rewrites the same file with the same content instead of adding one."""
    outbox = hub_paths().erp_outbox
    name = erp_outbox_file_name(document=document, interchange=interchange, index=index)
    body = dict(document)
    body.setdefault("x_tsunagi", {
        "interchange": interchange.pk,
        "partner": interchange.partner.code if interchange.partner_id else None,
        "supplier": interchange.partner.supplier.code if interchange.partner_id else None,
        "message": index,
    })
    write_atomic(outbox / name, json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode())
    return name


def parse_idoc_file(interchange: Interchange, path: Path, store: Callable[..., Interchange]) -> Interchange:
    from edi.services.inbound import PipelineError

    raise PipelineError("IDoc XML files are read once the SAP IDoc integration is installed")


def erp_publish(*, document: dict[str, Any], supplier_code: str, source: str, key: str) -> str:
    """Hand a document that did not arrive by EDI (a portal confirmation or ASN, an API call) to
    the ERP, the same way EDI documents are handed over: one canonical JSON file in the outbox.

    ``key`` makes the file name stable (``web-asn-123``): publishing the same thing again rewrites
    the same file. Returns the file name. (The ERP API's change feeds build on this call.)
    """
    outbox = hub_paths().erp_outbox
    name = f"{document.get('type', 'document')}-{_UNSAFE.sub('_', supplier_code)}-{_UNSAFE.sub('_', key)[:80]}.json"
    body = dict(document)
    body.setdefault("x_tsunagi", {"supplier": supplier_code, "source": source})
    write_atomic(outbox / name, json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode())
    return name
