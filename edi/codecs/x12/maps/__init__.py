"""Mappings between X12 transaction sets and canonical documents, one module per business area.

``INBOUND[set_id](segments, context) -> document`` reads the segments of one set (ST first, SE
excluded); ``OUTBOUND[type](document) -> (set_id, segments)`` builds the body of a set (ST/SE
excluded). Both assume the input is valid: the reader validates the set first, the writer checks
the canonical document and then the segments it built.
"""

from __future__ import annotations

from typing import Any, Callable

from edi.codecs.x12.maps.acks import read_997, read_ta1, write_functional_ack, write_ta1
from edi.codecs.x12.maps.billing import read_810, read_830, write_delivery_schedule, write_invoice
from edi.codecs.x12.maps.common import Context, MapError, Segment
from edi.codecs.x12.maps.orders import (
    read_850,
    read_855,
    write_order_response,
    write_purchase_order,
)
from edi.codecs.x12.maps.ship import read_856, write_despatch_advice

INBOUND: dict[str, Callable[[list[Segment], Context], dict[str, Any]]] = {
    "850": read_850, "860": read_850, "855": read_855, "856": read_856, "830": read_830,
    "810": read_810, "997": read_997, "999": read_997,
}
OUTBOUND: dict[str, Callable[[dict[str, Any]], tuple[str, list[Segment]]]] = {
    "purchase_order": write_purchase_order, "order_response": write_order_response,
    "despatch_advice": write_despatch_advice, "delivery_schedule": write_delivery_schedule,
    "invoice": write_invoice,
}

__all__ = ["INBOUND", "OUTBOUND", "Context", "MapError", "read_ta1", "write_functional_ack",
           "write_ta1"]
