"""E-mail notifications to a supplier's people, with per-user preferences and languages.

Any feature tells a supplier something with one call, inside the transaction of the change:

    from suppliers.notifications import notify

    notify(kind="forecast", supplier=supplier,
           subject_template="forecasts/email/published_subject.txt",
           body_template="forecasts/email/published_body.txt",
           context={"forecast": forecast}, url=reverse("portal:forecast_detail", args=[forecast.pk]))

``notify`` records a :class:`~suppliers.models.Notification` row and queues the Celery task
``suppliers.tasks.notification_send`` after commit (nothing is sent if the transaction rolls
back). The task writes one e-mail per recipient, in that recipient's language, skipping users
who switched the kind off on their Preferences page, and records each delivery so that running
it twice sends nothing twice.

``context`` must be JSON-serialisable, except that model instances may be given: they are stored
as references and loaded again when the e-mail is written (``None`` if deleted meanwhile). The
templates also get ``supplier``, ``user`` (the recipient), ``url`` (absolute) and ``site_url``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from suppliers.models import Notification, Supplier


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: Promise | str
    help_text: Promise | str = ""


KINDS: dict[str, NotificationKind] = {}


def register_kind(key: str, label: Promise | str, help_text: Promise | str = "") -> NotificationKind:
    """Declare a kind of e-mail; it then appears on every user's Preferences page (default on)."""
    kind = NotificationKind(key, label, help_text)
    KINDS[key] = kind
    return kind


PURCHASE_ORDER = register_kind(
    "purchase_order", _("Purchase orders"), _("A new purchase order, a new revision or a cancellation."))
FORECAST = register_kind("forecast", _("Forecasts"), _("The buyer published a new forecast."))
QUALITY = register_kind("quality", _("Quality notices"), _("A quality notice was raised or answered."))
REMINDER = register_kind("reminder", _("Reminders"), _("Something you owe is due or overdue."))

_MODEL_REF = "__model__"


def _freeze(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {_MODEL_REF: value._meta.label, "pk": value.pk}
    if isinstance(value, dict):
        return {str(k): _freeze(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_freeze(v) for v in value]
    if isinstance(value, Promise):
        return str(value)
    return value


def thaw(value: Any) -> Any:
    """The context as stored, with model references loaded again."""
    if isinstance(value, dict):
        if set(value) == {_MODEL_REF, "pk"}:
            model = apps.get_model(value[_MODEL_REF])
            return model._default_manager.filter(pk=value["pk"]).first()
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


def notify(
    *, kind: str, supplier: Supplier, subject_template: str, body_template: str,
    context: dict[str, Any] | None = None, url: str = "", users: Iterable[AbstractBaseUser] | None = None,
) -> Notification:
    """Tell the supplier's active users (or only ``users`` among them) by e-mail, after commit."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}: register it with register_kind() first.")
    notification = Notification.objects.create(
        kind=kind, supplier=supplier, subject_template=subject_template, body_template=body_template,
        context=_freeze(context or {}), url=url,
        user_ids=[u.pk for u in users] if users is not None else None,
    )
    from suppliers.tasks import notification_send

    pk = notification.pk
    transaction.on_commit(lambda: notification_send.delay(pk))
    return notification


def absolute_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path
