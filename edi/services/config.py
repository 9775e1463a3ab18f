"""Configuration as code: ``python manage.py edi load-config FILE.toml`` (docs/partners.md).

An idempotent upsert: the hub row and each partner are created or updated to match the file;
partners absent from the file are left alone (deactivate them in the console). A supplier the
file names that does not exist yet is created with that code and the partner's name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from edi.models import HubSettings, TradingPartner
from suppliers import services as domain
from suppliers.audit import Actor, event_record
from suppliers.models import Supplier

PARTNER_KEYS = {"code", "name", "supplier", "standard", "version", "interchange_id", "qualifier", "transport", "ack",
                "active", "as2"}
AS2_KEYS = {"as2_id", "url", "certificate", "next_certificate", "sign", "encrypt", "compress", "mdn", "mdn_signed"}
HUB_KEYS = {"x12_id", "x12_qualifier", "edifact_id", "edifact_qualifier", "as2_id", "as2_key", "as2_cert",
            "drop_root", "erp_outbox", "erp_inbox"}


class ConfigError(Exception):
    pass


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    suppliers_created: list[str] = field(default_factory=list)


def _choice(value: Any, allowed: list[str], where: str) -> str:
    text = str(value).lower()
    if text not in allowed:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return text


def _read_pem(value: str, base: Path, where: str) -> str:
    if not value:
        return ""
    path = Path(value)
    path = path if path.is_absolute() else base / path
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read {path}: {exc}") from exc
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ConfigError(f"{where}: {path} is not a PEM certificate")
    return text


def load_config(path: Path, *, actor: Actor | None = None) -> LoadReport:
    actor = actor or Actor.system("config")
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    base = path.parent
    report = LoadReport()
    with transaction.atomic():
        _load_hub(data.get("hub") or {}, base, actor)
        partners = data.get("partners") or []
        if not isinstance(partners, list):
            raise ConfigError("[[partners]] must be an array of tables")
        for index, raw in enumerate(partners, start=1):
            _load_partner(raw, index, base, actor, report)
    return report


def _load_hub(raw: dict[str, Any], base: Path, actor: Actor) -> None:
    unknown = set(raw) - HUB_KEYS
    if unknown:
        raise ConfigError(f"[hub]: unknown keys {', '.join(sorted(unknown))}")
    hub = HubSettings.get()
    mapping = {"as2_key": "as2_key_path", "as2_cert": "as2_cert_path"}
    changed = {}
    for key, value in raw.items():
        attr = mapping.get(key, key)
        if key in ("as2_key", "as2_cert"):
            p = Path(value)
            value = str(p if p.is_absolute() else (base / p).resolve())
            if not Path(value).is_file():
                raise ConfigError(f"[hub] {key}: no file at {value}")
        if getattr(hub, attr) != value:
            changed[attr] = value
            setattr(hub, attr, value)
    if changed:
        hub.save()
        event_record(actor=actor, verb="hubsettings.changed", obj=hub, payload={"fields": sorted(changed)})


def _load_partner(raw: dict[str, Any], index: int, base: Path, actor: Actor, report: LoadReport) -> None:
    where = f"[[partners]] #{index}"
    unknown = set(raw) - PARTNER_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    for key in ("code", "name", "supplier", "standard", "version", "interchange_id"):
        if not raw.get(key):
            raise ConfigError(f"{where}: {key} is required")
    code = str(raw["code"])
    where = f"partner {code}"
    supplier = Supplier.objects.filter(code=str(raw["supplier"]).upper()).first()
    if supplier is None:
        supplier = domain.supplier_create(code=str(raw["supplier"]), name=str(raw["name"]), actor=actor, edi_enabled=True)
        report.suppliers_created.append(supplier.code)
    values: dict[str, Any] = {
        "name": str(raw["name"]), "supplier": supplier,
        "standard": _choice(raw["standard"], ["x12", "edifact"], f"{where} standard"),
        "version": str(raw["version"]).upper().replace(".", "") if str(raw["standard"]).lower() == "edifact"
        else str(raw["version"]),
        "interchange_id": str(raw["interchange_id"]), "qualifier": str(raw.get("qualifier", "")),
        "transport": _choice(raw.get("transport", "filedrop"), ["filedrop", "as2"], f"{where} transport"),
        "ack": bool(raw.get("ack", True)), "is_active": bool(raw.get("active", True)),
    }
    as2 = raw.get("as2") or {}
    unknown = set(as2) - AS2_KEYS
    if unknown:
        raise ConfigError(f"{where} [partners.as2]: unknown keys {', '.join(sorted(unknown))}")
    if values["transport"] == "as2":
        if not as2.get("as2_id") or not as2.get("url"):
            raise ConfigError(f"{where}: an AS2 partner needs [partners.as2] as2_id and url")
        values.update({
            "as2_id": str(as2["as2_id"]), "as2_url": str(as2["url"]),
            "as2_certificate": _read_pem(as2.get("certificate", ""), base, f"{where} certificate"),
            "as2_next_certificate": _read_pem(as2.get("next_certificate", ""), base, f"{where} next_certificate"),
            "as2_sign": _choice(as2.get("sign", "sha256"), ["none", "sha1", "sha256", "sha384", "sha512"], f"{where} sign"),
            "as2_encrypt": _choice(as2.get("encrypt", "aes256"), ["none", "aes128", "aes192", "aes256", "3des"], f"{where} encrypt"),
            "as2_compress": bool(as2.get("compress", False)),
            "as2_mdn": _choice(as2.get("mdn", "sync"), ["sync", "async", "none"], f"{where} mdn"),
            "as2_mdn_signed": bool(as2.get("mdn_signed", True)),
        })
        if not values["as2_certificate"]:
            raise ConfigError(f"{where}: an AS2 partner needs its certificate")
    if not supplier.edi_enabled:
        supplier.edi_enabled = True
        supplier.save(update_fields=["edi_enabled", "updated_at"])
    partner = TradingPartner.objects.filter(code=code).first()
    if partner is None:
        partner = TradingPartner(code=code, **values)
        partner.full_clean()
        partner.save()
        event_record(actor=actor, verb="tradingpartner.created", obj=partner, supplier=supplier, payload={"source": "config"})
        report.created.append(code)
        return
    changed = [k for k, v in values.items() if getattr(partner, k) != v]
    if not changed:
        report.unchanged.append(code)
        return
    for key in changed:
        setattr(partner, key, values[key])
    partner.full_clean()
    partner.save()
    event_record(actor=actor, verb="tradingpartner.changed", obj=partner, supplier=supplier,
                 payload={"fields": changed, "source": "config"})
    report.updated.append(code)
