"""EDI hub records: the hub's own identity, trading partners, interchanges and their messages."""

from edi.models.interchanges import ControlCounter, Interchange, InterchangeMessage
from edi.models.partners import HubSettings, TradingPartner

__all__ = ["ControlCounter", "HubSettings", "Interchange", "InterchangeMessage", "TradingPartner"]
