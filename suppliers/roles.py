"""Buyer roles, as Django groups with model permissions. Kept in sync after every migrate."""

from __future__ import annotations

from typing import Any

BUYER = "Buyer"
QUALITY_ENGINEER = "Quality engineer"
EDI_ADMINISTRATOR = "EDI administrator"

# app_label -> model -> actions. Permissions of models that do not exist yet are skipped, so
# later features add their models here and the groups pick them up on the next migrate.
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    BUYER: {
        "suppliers": {
            "supplier": ("view", "add", "change"),
            "suppliermembership": ("view", "add", "change"),
            "invitation": ("view", "add", "change"),
            "plant": ("view",),
            "part": ("view", "add", "change"),
            "supplierpart": ("view", "add", "change", "delete"),
            "purchaseorder": ("view", "add", "change"),
            "purchaseorderline": ("view", "add", "change", "delete"),
            "despatchadvice": ("view",),
            "despatchadviceline": ("view",),
            "goodsreceipt": ("view", "add", "change"),
            "goodsreceiptline": ("view", "add", "change"),
            "event": ("view",),
            "orderresponse": ("view",),
            "buyersettings": ("view", "change"),
            "notification": ("view",),
            "notificationdelivery": ("view",),
        },
        "auth": {"user": ("view", "add", "change")},
        "edi": {"tradingpartner": ("view",), "interchange": ("view",), "interchangemessage": ("view",)},
        "forecasts": {
            "forecastversion": ("view", "add"),  # add = publish
            "commitgap": ("view",),
            "forecastprofile": ("view", "add", "change"),
            "reasoncode": ("view", "add", "change"),
        },
        "quality": {"qualitynotice": ("view",), "defectcode": ("view",), "noticeattachment": ("view",),
                    "defectratethreshold": ("view",), "automaticnotice": ("view",)},
        # add scorecardrun = recompute on demand; change scorecardsettings = weights, bands, windows
        "scorecards": {"scorecard": ("view",), "kpiresult": ("view",), "scorecardrun": ("view", "add"),
                       "scorecardsettings": ("view", "change")},
        "erp": {"feedentry": ("view",)},
        # lottrace: the traceability page (a permission of LotHold's); add / change lothold = place / release
        "production": {"stocklevel": ("view",), "consumption": ("view",), "inspectionresult": ("view",),
                       "workorder": ("view",), "lottrace": ("view",), "lothold": ("view", "add", "change")},
        "planning": {
            "partforecast": ("view", "change"),  # change = adjust, run, publish (with forecasts.add_forecastversion)
            "forecastrun": ("view",),
            "forecastadjustment": ("view",),
            "replenishmentproposal": ("view", "change"),  # change = approve / reject, run replenishment
            "replenishmentpolicy": ("view", "add", "change"),
            "supplyterms": ("view", "add", "change", "delete"),
            "vendormanagedlevel": ("view", "add", "change", "delete"),
        },
    },
    QUALITY_ENGINEER: {
        "suppliers": {
            "supplier": ("view",),
            "part": ("view",),
            "supplierpart": ("view",),
            "purchaseorder": ("view",),
            "purchaseorderline": ("view",),
            "despatchadvice": ("view",),
            "despatchadviceline": ("view",),
            "goodsreceipt": ("view",),
            "goodsreceiptline": ("view", "change"),
            "event": ("view",),
        },
        "quality": {
            "qualitynotice": ("view", "add", "change"),  # change = cancel
            "eightdstep": ("view", "change"),  # change = accept / return answers, move due dates
            "noticeattachment": ("view", "add"),
            "defectcode": ("view", "add", "change"),
            "defectratethreshold": ("view", "add", "change", "delete"),  # lots over it raise notices
            "automaticnotice": ("view",),
        },
        "forecasts": {"forecastversion": ("view",), "commitgap": ("view",)},
        "scorecards": {"scorecard": ("view",), "kpiresult": ("view",), "scorecardrun": ("view",),
                       "scorecardsettings": ("view",)},
        "production": {"inspectionresult": ("view",), "workorder": ("view",), "stocklevel": ("view",),
                       "consumption": ("view",), "lottrace": ("view",), "lothold": ("view", "add", "change")},
        # a legal hold keeps raw interchanges and attachments past their retention (audits, disputes)
        "ops": {"legalhold": ("view", "add", "change")},
    },
    EDI_ADMINISTRATOR: {
        "suppliers": {
            "supplier": ("view", "change"),
            "purchaseorder": ("view",),
            "despatchadvice": ("view",),
            "event": ("view",),
        },
        "edi": {
            "hubsettings": ("view", "change"),
            "tradingpartner": ("view", "add", "change"),
            "interchange": ("view", "change"),  # change = reprocess / send again
            "interchangemessage": ("view",),
        },
        # ERP keys: add = create (shown once), change = revoke; the feed and its cursors to watch
        "erp": {"apikey": ("view", "add", "change"), "feedentry": ("view",), "feedcursor": ("view",),
                "feedacknowledgement": ("view",)},
        "ops": {"legalhold": ("view", "add", "change"), "purgerun": ("view",)},
    },
}


def ensure_buyer_roles(**_: Any) -> None:
    from django.contrib.auth.models import Group, Permission

    for role, apps in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for app_label, models in apps.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions]
                wanted.extend(
                    Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
                )
        group.permissions.set(wanted)
