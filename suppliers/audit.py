"""Who did it: the actor of every write, and the event row recorded with it.

Every service takes an ``actor`` (a user, the system, an EDI partner or an ERP API key) and
calls :func:`event_record` inside its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from suppliers.models import Event, Supplier


@dataclass(frozen=True, slots=True)
class Actor:
    label: str
    user: AbstractBaseUser | None = None

    @classmethod
    def of(cls, user: AbstractBaseUser) -> Actor:
        return cls(label=getattr(user, "email", "") or user.get_username(), user=user)

    @classmethod
    def system(cls, what: str = "") -> Actor:
        return cls(label=f"system:{what}" if what else "system")

    @classmethod
    def partner(cls, code: str) -> Actor:
        return cls(label=f"edi:{code}")

    @classmethod
    def api(cls, key_name: str) -> Actor:
        return cls(label=f"api:{key_name}")


def as_actor(actor: Actor | AbstractBaseUser | None) -> Actor:
    if actor is None:
        return Actor.system()
    if isinstance(actor, Actor):
        return actor
    return Actor.of(actor)


def event_record(
    *,
    actor: Actor | AbstractBaseUser | None,
    verb: str,
    obj: models.Model | None = None,
    supplier: Supplier | None = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append an audit event. Must run inside the transaction of the change it describes."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record() must be called inside transaction.atomic()")
    who = as_actor(actor)
    if supplier is None and obj is not None:
        supplier = _supplier_of(obj)
    return Event.objects.create(
        actor=who.user,
        actor_label=who.label[:150],
        verb=verb,
        supplier=supplier,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        payload=payload or {},
    )


def _supplier_of(obj: models.Model) -> Supplier | None:
    if isinstance(obj, Supplier):
        return obj
    for path in ("supplier", "order.supplier", "advice.supplier", "receipt.supplier"):
        target: Any = obj
        for attr in path.split("."):
            target = getattr(target, attr, None)
            if target is None:
                break
        if isinstance(target, Supplier):
            return target
    return None


def events_for(obj: models.Model):
    """The history of one object, newest first."""
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
