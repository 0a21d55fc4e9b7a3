"""The whole learning loop on a real worker (Redis, PostgreSQL test database).

Tickets close -> the learning task runs on the worker -> search ranks the
learned article for the customers' own phrasing -> similar tickets without
an article become a knowledge gap with a draft -> a curator sends the draft
to review and a reviewer publishes it -> the gap closes and its tickets are
linked to the new article.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from kb.articles import services as article_services
from kb.learning.models import KnowledgeGap, TicketLearning
from kb.search.indexing import index_rebuild
from kb.search.services import search_articles
from kb.tickets import services as tickets
from kb.tickets.models import Organization
from tests.factories import make_article
from tests.integration.test_worker import worker  # noqa: F401 - the fixture
from tests.learning.conftest import SIMILAR
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHRASING = "venue gateway handshake rejected"


def test_closed_tickets_teach_search_and_fill_a_knowledge_gap(
        worker, django_user_model, problems, curator, reviewer):  # noqa: F811
    tickets.teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    tickets.sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice")
    org.members.add(alice)
    engineer = django_user_model.objects.create_user("eve", is_staff=True)
    engineer.groups.add(Group.objects.get(name="Support engineers"))
    fix = make_article(title="Encoder cannot connect: connection refused",
                       problems=[problems["push.connect-refused"]])
    make_article(title="Viewers keep buffering", symptoms=["the player keeps spinning"])
    index_rebuild()
    log = worker["log"]

    def found(text):
        return [hit.slug for hit in search_articles(text=text, language="en",
                                                    record=False).hits]

    assert fix.slug not in found(PHRASING)

    def close(subject, description, *, article=None, summary=""):
        ticket = tickets.ticket_create(requester=alice, organization=org, subject=subject,
                                       description=description, priority="P3", region="eu")
        tickets.ticket_acknowledge(ticket=ticket, actor=engineer)
        tickets.ticket_resolve(ticket=ticket, actor=engineer, article=article,
                               summary=summary)
        tickets.ticket_close(ticket=ticket, actor=engineer)  # commits, queues learning
        return ticket

    for n in range(3):
        close(f"Live event {n} will not start", f'The encoder says "{PHRASING}".',
              article=fix)
    assert wait_for(lambda: found(PHRASING)[:1] == [fix.slug], timeout=90), \
        log.read_text()[-4000:]

    gap_tickets = [close(s, d, summary=r) for s, d, r in SIMILAR]
    gap = wait_for(lambda: KnowledgeGap.objects.filter(
        kind="tickets", draft_article__isnull=False).first(), timeout=90)
    assert gap is not None, log.read_text()[-4000:]
    assert gap.size == 3 and gap.status == "open"

    draft = gap.draft_article
    article_services.article_submit_for_review(article=draft, actor=curator)
    article_services.article_publish(article=draft, reviewer=reviewer)

    def gap_closed():
        gap.refresh_from_db()
        return gap.status == "closed"

    assert wait_for(gap_closed, timeout=90), log.read_text()[-4000:]
    for ticket in gap_tickets:
        assert list(ticket.articles.values_list("pk", flat=True)) == [draft.pk]
    assert set(TicketLearning.objects.filter(ticket__in=gap_tickets)
               .values_list("link", flat=True)) == {"new"}
    text = log.read_text()
    assert "learn_from_ticket_task" in text and "knowledge_gap_close_task" in text
