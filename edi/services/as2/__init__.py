"""AS2 on top of the pure library (``edi.transports.as2``), by what it does:

- ``receive``: ``POST /as2/`` into the inbound pipeline, stored before the MDN, processed once;
- ``mdns``: the asynchronous MDNs we owe partners (spool, task, sweeper);
- ``send``: outbound interchanges by AS2 and the receipts for them (sync, or ``POST /as2/mdn/``);
- ``keys``: the hub's key pair and the partners' agreements, cached per process.
"""

from edi.services.as2.base import HttpAnswer
from edi.services.as2.keys import (
    CONFIG_TTL,
    HubKeys,
    Profile,
    hub_file,
    hub_keys,
    partner_certs,
    receiving_hub,
    resolve_partner,
)
from edi.services.as2.mdns import (
    SPOOL_GRACE_SECONDS,
    deliver_async_mdn,
    deliver_spooled_mdns,
    spool_async_mdn,
    spool_dir,
)
from edi.services.as2.receive import StoreFailed, as2_receive, body_spool_dir
from edi.services.as2.send import (
    ASYNC_MDN_TIMEOUT_HOURS,
    as2_fail_overdue_mdns,
    as2_receive_async_mdn,
    as2_send,
)

__all__ = [
    "ASYNC_MDN_TIMEOUT_HOURS", "CONFIG_TTL", "SPOOL_GRACE_SECONDS", "HttpAnswer", "HubKeys", "Profile", "StoreFailed",
    "as2_fail_overdue_mdns", "as2_receive", "as2_receive_async_mdn", "as2_send", "body_spool_dir",
    "deliver_async_mdn", "deliver_spooled_mdns", "hub_file", "hub_keys", "partner_certs", "receiving_hub",
    "resolve_partner", "spool_async_mdn", "spool_dir",
]
