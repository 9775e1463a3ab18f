"""Queues by concern: which task goes where, and that the prefix keeps installations apart."""

from __future__ import annotations

import pytest

from portal import queues


@pytest.mark.parametrize(("task", "concern"), [
    ("edi.tasks.process_interchange", "edi_inbound"),
    ("edi.tasks.send_interchange", "edi_outbound"),
    ("edi.tasks.dispatch_purchase_order", "edi_outbound"),
    ("edi.tasks.deliver_async_mdn", "as2_mdn"),
    ("edi.tasks.poll_everything", "periodic"),
    ("edi.tasks.resume_stalled", "periodic"),
    ("suppliers.tasks.invitation_send", "email"),
    ("edi.tasks.notify_edi_administrators", "email"),
    ("suppliers.notifications.tasks.notify_digest", "email"),
    ("suppliers.quality.tasks.send_reminder_mail", "email"),
    ("suppliers.scorecards.tasks.recompute_all", "analytics"),
    ("suppliers.forecasts.tasks.publish_forecast", "analytics"),
    ("suppliers.replenishment.tasks.plan", "analytics"),
    ("suppliers.tasks.ping", None),
])
def test_each_task_has_its_concern(task, concern):
    assert queues.concern_of(task) == concern


def test_the_router_sends_analytics_to_analytics_and_never_to_inbound(settings):
    from portal.celery import app

    routed = app.amqp.router.route({}, "suppliers.scorecards.tasks.recompute_all")
    assert routed["queue"].name == f"{settings.CELERY_QUEUE_PREFIX}analytics"
    inbound = app.amqp.router.route({}, "edi.tasks.process_interchange")
    assert inbound["queue"].name == f"{settings.CELERY_QUEUE_PREFIX}edi_inbound"
    assert routed["queue"].name != inbound["queue"].name


def test_an_explicit_queue_on_the_call_wins():
    from portal.celery import app

    assert app.amqp.router.route({"queue": "urgent"}, "suppliers.scorecards.tasks.recompute_all")["queue"].name == "urgent"


def test_unrouted_tasks_use_the_default_queue(settings):
    from portal.celery import app

    assert app.amqp.router.route({}, "suppliers.tasks.ping")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.parametrize(("explicit", "default", "prefix"), [
    (None, "celery", ""),
    (None, "tsunagi-test-gw1", "tsunagi-test-gw1."),
    ("plant2.", "celery", "plant2."),
    ("", "tsunagi-test-gw1", ""),
])
def test_the_queue_prefix(explicit, default, prefix):
    assert queues.prefix_from(explicit=explicit, default_queue=default) == prefix


def test_a_worker_without_q_consumes_every_queue(settings):
    names = [q.name for q in settings.CELERY_TASK_QUEUES]
    assert names == queues.all_queues()
    assert len(names) == 1 + len(queues.CONCERNS)
    for q in settings.CELERY_TASK_QUEUES:
        # one direct exchange per queue, so a RabbitMQ binding never delivers to two queues
        assert q.exchange.name == q.name and q.routing_key == q.name
