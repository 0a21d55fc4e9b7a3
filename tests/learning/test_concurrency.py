"""Closes that touch the same article at the same time lose no count.

Needs PostgreSQL (row locks; SQLite serializes every write anyway): run
with ``DATABASE_URL=postgres://...``; skipped on SQLite.
"""

import threading

import pytest
from django.db import connection, connections

from kb.learning.effectiveness import effectiveness_recompute
from kb.learning.models import ArticleEffectiveness, LearnedPhrase
from kb.learning.services import learn_from_ticket
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_closes_of_one_article_count_every_ticket(close_ticket):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: set DATABASE_URL=postgres://...")
    article = make_article()
    tickets = [close_ticket(subject=f"Cannot connect {n}", article=article, learn=False,
                            description='OBS says "venue gateway handshake rejected".')
               for n in range(8)]
    barrier = threading.Barrier(len(tickets))
    errors = []

    def learn(ticket_id: int) -> None:
        try:
            barrier.wait()
            learn_from_ticket(ticket_id=ticket_id)
        except Exception as exc:  # reported below; a thread cannot fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=learn, args=(t.pk,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    row = ArticleEffectiveness.objects.get(article=article, problem_code="")
    assert row.tickets_resolved == len(tickets)
    phrase = LearnedPhrase.objects.get(article=article, key="venue gateway handshake rejected")
    assert phrase.ticket_count == len(tickets)
    effectiveness_recompute(article_ids=[article.pk])
    assert ArticleEffectiveness.objects.get(pk=row.pk).tickets_resolved == len(tickets)
