"""The buyer console: every supplier's grade, a supplier's scorecard and evidence, rules, recompute."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from suppliers.roles import QUALITY_ENGINEER
from tests.conftest import login, make_user
from tests.scorecards.conftest import Line, recompute


@pytest.fixture
def scored(book_a, book_b):
    for book, late in ((book_a, 0), (book_b, 5)):
        order = book.order(Line(requested=date(2026, 3, 10)))
        book.deliver(order, received_on=date(2026, 3, 10 + late), number=f"{book.tenant.supplier.code}-MAR")
    return recompute()


@pytest.fixture
def engineer(db):
    user = make_user("quality@tsunagi.test", staff=True)
    user.groups.add(Group.objects.get(name=QUALITY_ENGINEER))
    return user


@pytest.mark.django_db
def test_buyer_sees_every_suppliers_grade_worst_first(scored, buyer, tenant_a, tenant_b):
    client = login(buyer)
    response = client.get("/console/scorecards/scorecard/")
    assert response.status_code == 302  # to the latest month's rolling scorecards
    body = client.get(response["Location"]).content.decode()
    assert body.index(tenant_b.supplier.name) < body.index(tenant_a.supplier.name)  # B delivered late


@pytest.mark.django_db
def test_buyer_opens_a_suppliers_scorecard_and_its_evidence(scored, buyer, tenant_b):
    client = login(buyer)
    page = client.get(f"/console/scorecards/scorecard/supplier/{tenant_b.supplier.pk}/?month=2026-03")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="trend-chart"' in body
    link = f"/console/scorecards/scorecard/supplier/{tenant_b.supplier.pk}/on_time/month/2026-03/"
    assert f'href="{link}"' in body
    evidence = client.get(link).content.decode()
    assert "GR-BRAVO-MAR" in evidence and "late by 5 days" in evidence
    assert "/console/suppliers/goodsreceipt/" in evidence  # links to the console's receipt page


@pytest.mark.django_db
def test_console_export_has_a_row_per_supplier(scored, buyer, tenant_a, tenant_b):
    body = login(buyer).get("/console/scorecards/scorecard/export.csv?period__exact=rolling12&month=2026-03").content
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert sorted(r["supplier"] for r in rows) == sorted([tenant_a.supplier.code, tenant_b.supplier.code])
    b = next(r for r in rows if r["supplier"] == tenant_b.supplier.code)
    assert b["on_time_value"] == "50.00"  # January's fixture receipt on time, March's late


@pytest.mark.django_db
def test_recompute_from_the_console_queues_an_audited_run(scored, buyer, tenant_a, django_capture_on_commit_callbacks):
    from suppliers.models import Event
    from suppliers.scorecards.models import ScorecardRun

    client = login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/scorecards/scorecard/recompute/", {"supplier": tenant_a.supplier.pk})
    assert response.status_code == 302
    run = ScorecardRun.objects.latest("pk")
    assert (run.status, run.supplier, run.trigger, run.requested_by) == ("done", tenant_a.supplier, "console", buyer)
    assert Event.objects.filter(verb="scorecards.requested", actor=buyer).exists()
    assert client.get("/console/scorecards/scorecard/recompute/").status_code == 405


@pytest.mark.django_db
def test_quality_engineer_may_look_but_not_recompute_or_change_rules(scored, engineer, tenant_a):
    client = login(engineer)
    assert client.get(f"/console/scorecards/scorecard/supplier/{tenant_a.supplier.pk}/").status_code == 200
    assert client.post("/console/scorecards/scorecard/recompute/").status_code == 403
    rules = client.get("/console/scorecards/scorecardsettings/1/change/")
    assert rules.status_code == 200 and b'name="weight_on_time"' not in rules.content  # read only


def _rules_form(**changes) -> dict:
    from suppliers.scorecards.models import ScorecardSettings

    data = {f.name: str(getattr(ScorecardSettings(), f.name)) for f in ScorecardSettings._meta.fields
            if f.name not in ("id", "updated_at", "updated_by")}
    data.update({k: str(v) for k, v in changes.items()})
    return data


@pytest.mark.django_db
def test_buyer_sets_weights_that_add_up_to_100(buyer):
    from suppliers.models import Event
    from suppliers.scorecards.services import scorecard_settings_get

    client = login(buyer)
    client.get("/console/scorecards/scorecardsettings/")  # creates the row
    refused = client.post("/console/scorecards/scorecardsettings/1/change/", _rules_form(weight_on_time=40))
    assert refused.status_code == 200 and b"add up to 110" in refused.content
    assert scorecard_settings_get().weight_on_time == 30

    saved = client.post("/console/scorecards/scorecardsettings/1/change/",
                        _rules_form(weight_on_time=40, weight_quality=15, grade_c_min="55.5"))
    assert saved.status_code == 302
    rules = scorecard_settings_get()
    assert (rules.weight_on_time, rules.weight_quality, rules.grade_c_min) == (40, 15, Decimal("55.5"))
    event = Event.objects.get(verb="scorecards.rules_changed")
    assert event.actor == buyer and event.payload["fields"]["weight_on_time"] == {"from": "30", "to": "40"}


@pytest.mark.django_db
def test_bands_must_descend(buyer):
    client = login(buyer)
    client.get("/console/scorecards/scorecardsettings/")
    refused = client.post("/console/scorecards/scorecardsettings/1/change/", _rules_form(grade_b_min=95))
    assert refused.status_code == 200 and b"must descend" in refused.content


@pytest.mark.django_db
def test_the_database_refuses_weights_that_do_not_add_up(db):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from suppliers.scorecards.models import ScorecardSettings
    from suppliers.scorecards.services import (
        SYSTEM,
        scorecard_settings_get,
        scorecard_settings_update,
    )

    scorecard_settings_get()
    with pytest.raises(ValidationError):
        scorecard_settings_update(actor=SYSTEM, weight_price=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScorecardSettings.objects.filter(pk=1).update(weight_price=20)


@pytest.mark.django_db
def test_the_list_action_recomputes_the_selected_suppliers(scored, buyer, tenant_b, django_capture_on_commit_callbacks):
    from suppliers.scorecards.models import Scorecard, ScorecardRun

    card = Scorecard.objects.get(supplier=tenant_b.supplier, period="rolling12", month=date(2026, 3, 1))
    client = login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/scorecards/scorecard/?period__exact=rolling12&month=2026-03",
                               {"action": "recompute_selected", "_selected_action": [card.pk]})
    assert response.status_code == 302
    run = ScorecardRun.objects.latest("pk")
    assert (run.supplier, run.trigger, run.status) == (tenant_b.supplier, "console", "done")
