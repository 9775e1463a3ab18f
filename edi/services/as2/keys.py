"""The hub's key pair and the partners' agreements, as the AS2 code needs them (cached)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from edi.models import HubSettings, Interchange, TradingPartner
from edi.services.inbound import (
    PipelineError,
)
from edi.transports import as2

log = logging.getLogger(__name__)
State = Interchange.State


@dataclass(frozen=True)
class HubKeys:
    keys: list[Any]
    certs: list[Any]

    @property
    def key(self) -> Any:
        return self.keys[0]

    @property
    def cert(self) -> Any:
        return self.certs[0]


_key_cache: dict[tuple[str, str, float, float], HubKeys] = {}
_cert_cache: dict[str, list[Any]] = {}


def hub_keys(hub: HubSettings | None = None) -> HubKeys:
    """The hub's AS2 key and certificate, parsed once per file version (not per request)."""
    hub = hub or HubSettings.get()
    if not hub.as2_key_path or not hub.as2_cert_path:
        raise PipelineError("the hub has no AS2 key and certificate configured (hub settings)")
    key_path, cert_path = hub_file(hub.as2_key_path), hub_file(hub.as2_cert_path)
    try:
        stamp = (str(key_path), str(cert_path), key_path.stat().st_mtime, cert_path.stat().st_mtime)
    except OSError as exc:
        raise PipelineError(f"the hub's AS2 key or certificate cannot be read: {exc}") from exc
    cached = _key_cache.get(stamp)
    if cached is None:
        try:
            cached = HubKeys(keys=[as2.load_key(key_path)], certs=[as2.load_cert(cert_path)])
        except (OSError, ValueError, TypeError) as exc:
            raise PipelineError(f"the hub's AS2 key or certificate is unreadable: {exc}") from exc
        _key_cache.clear()
        _key_cache[stamp] = cached
    return cached


def hub_file(value: str) -> Path:
    """A path from the hub settings: absolute, or relative to the project folder."""
    path = Path(value)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def _certs_of(pem: str) -> list[Any]:
    certs = _cert_cache.get(pem)
    if certs is None:
        certs = as2.load_certs(pem.encode())
        if len(_cert_cache) > 512:
            _cert_cache.clear()
        _cert_cache[pem] = certs
    return certs


def partner_certs(partner: TradingPartner) -> list[Any]:
    """The partner's certificates: the current one first, then the next one during a rollover.

    Inbound signatures verify against any of them; we encrypt for the first.
    """
    certs: list[Any] = []
    for pem in (partner.as2_certificate, partner.as2_next_certificate):
        if pem.strip():
            certs.extend(_certs_of(pem))
    return certs


@dataclass(frozen=True)
class Profile:
    partner: TradingPartner
    signing_certs: list[Any]
    require_signature: bool
    require_encryption: bool


# The receive path reads the hub row and the sender's partner row on every request. Both change
# rarely (console, load-config), so each web process keeps them for CONFIG_TTL seconds: a change
# saved in this process applies at once (the post_save hooks below), one saved elsewhere within
# CONFIG_TTL. Two database round trips fewer per message.
CONFIG_TTL = 5.0
_config_cache: dict[Any, tuple[float, Any]] = {}


def _cached(key: Any, load: Any) -> Any:
    now = time.monotonic()
    hit = _config_cache.get(key)
    if hit is not None and now - hit[0] < CONFIG_TTL:
        return hit[1]
    value = load()
    if len(_config_cache) > 1024:
        _config_cache.clear()
    _config_cache[key] = (now, value)
    return value


def _forget_config(**_: Any) -> None:
    _config_cache.clear()


post_save.connect(_forget_config, sender=HubSettings, dispatch_uid="as2-forget-hub")
post_save.connect(_forget_config, sender=TradingPartner, dispatch_uid="as2-forget-partner")
post_delete.connect(_forget_config, sender=TradingPartner, dispatch_uid="as2-forget-partner-delete")


def receiving_hub() -> HubSettings:
    """The hub settings as the receive path sees them (cached, see CONFIG_TTL)."""
    return _cached("hub", HubSettings.get)


def resolve_partner(as2_from: str, as2_to: str, *, hub: HubSettings | None = None,
                    cached: bool = False) -> Profile | None:
    """The agreement for AS2-From -> AS2-To: an active AS2 partner sending to our AS2 id."""
    hub = hub or HubSettings.get()
    if as2_to != hub.as2_id:
        return None

    def load() -> Profile | None:
        partner = (TradingPartner.objects.select_related("supplier")
                   .filter(as2_id=as2_from, transport=TradingPartner.Transport.AS2, is_active=True).first())
        if partner is None:
            return None
        return Profile(
            partner=partner, signing_certs=partner_certs(partner),
            require_signature=partner.as2_sign != TradingPartner.Sign.NONE,
            require_encryption=partner.as2_encrypt != TradingPartner.Encrypt.NONE,
        )

    return _cached(("partner", as2_from), load) if cached else load()
