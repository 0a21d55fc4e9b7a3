"""Work is routed to queues named for it, and a worker started without -Q
(as `make run` starts it) consumes every one of them."""

from django.conf import settings

from kb.celery import app


def _kb_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if name.startswith("kb."))


def _queue_of(task: str) -> str:
    return app.amqp.router.route({}, task)["queue"].name


def test_every_task_goes_to_a_named_queue():
    tasks = _kb_tasks()
    assert len(tasks) >= 15
    unnamed = {task: _queue_of(task) for task in tasks
               if _queue_of(task) not in settings.KB_QUEUES}
    assert unnamed == {}


def test_index_writes_have_their_own_queue():
    assert _queue_of("kb.search.tasks.index_article_task") == "index"
    assert _queue_of("kb.search.tasks.rebuild_index_task") == "index"
    assert _queue_of("kb.learning.tasks.learn_from_ticket_task") == "learning"


def test_messages_to_people_never_wait_behind_other_work():
    for task in ("kb.tickets.tasks.deliver_notification_task",
                 "kb.learning.tasks.notify_content_flag_task",
                 "kb.articles.tasks.notify_review_requested"):
        assert _queue_of(task) == "notifications", task


def test_the_minute_sla_check_and_monitoring_do_not_share_a_queue():
    assert _queue_of("kb.tickets.tasks.sla_check_task") == "celery"
    assert _queue_of("kb.monitoring.tasks.rollups_compute_task") == "monitoring"


def test_a_worker_without_queue_options_consumes_every_queue():
    # What `celery worker` subscribes to when no -Q is given.
    assert set(app.amqp.queues) == set(settings.KB_QUEUES)
    for name, queue in app.amqp.queues.items():
        # Each queue bound by its own key: a task is delivered to one queue, not all.
        assert queue.routing_key == name
