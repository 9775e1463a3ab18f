"""X12 codec: streaming reader, writer and functional acknowledgements, in pure Python.

Supported sets, read and written: 850 / 860 (purchase_order), 855 (order_response),
856 (despatch_advice), 830 (delivery_schedule), 810 (invoice), 997 / 999 / TA1
(functional_ack). Version 004010 (005010 envelopes and the 999 accepted; other versions read
where their structure matches 004010).

    for result in read(open(path, "rb")):
        ...  # MessageResult per ST..SE as it is read, InterchangeResult after each IEA
    data = write(documents, sender="ACME", receiver="SUPPLIER", control_number=42)
    acks = ack_for(interchange_result, version="00401")
"""

from edi.codecs.x12.ack import ack_for
from edi.codecs.x12.reader import read
from edi.codecs.x12.writer import write

__all__ = ["ack_for", "read", "write"]
