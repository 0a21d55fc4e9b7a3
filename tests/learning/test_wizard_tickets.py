"""Tickets filed from the guided diagnosis teach the customer's words, not the
transcript the wizard appends to every one of them."""

import pytest

from kb.articles.models import Article
from kb.learning.facts import ticket_facts
from kb.learning.models import LearnedPhrase
from kb.learning.services import learn_from_ticket
from kb.search.indexing import index_rebuild
from kb.tickets import services as tickets
from kb.tickets.models import Organization
from tests.clock import CN_WORKING_HOURS
from tests.wizard.conftest import escalate_a_stutter, load_site_content

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wizard_tickets(django_user_model, groups, time_machine):
    """Two wizard tickets resolved with the evening-congestion fix."""
    time_machine.move_to(CN_WORKING_HOURS)
    load_site_content()
    index_rebuild()
    customer = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    Organization.objects.create(name="Demo Streaming Co.").members.add(customer)
    engineer = django_user_model.objects.create_user("eve", "eve@example.com", is_staff=True)
    engineer.groups.add(groups["Support engineers"])
    article = Article.objects.get(slug="peak-hour-congestion", language="en")
    filed = []
    for _ in range(2):
        ticket = escalate_a_stutter(customer)
        tickets.ticket_acknowledge(ticket=ticket, actor=engineer)
        tickets.ticket_resolve(ticket=ticket, actor=engineer, article=article, summary="")
        tickets.ticket_close(ticket=ticket, actor=engineer)
        learn_from_ticket(ticket_id=ticket.pk)
        filed.append(ticket)
    return article, filed


def test_learning_reads_the_customer_s_words_without_the_transcript(wizard_tickets):
    _article, filed = wizard_tickets
    assert "Fix offered:" in filed[0].description
    facts = ticket_facts([t.pk for t in filed])
    assert [f.description for f in facts] == ["Every evening since Monday."] * 2


def test_no_question_or_fix_title_of_the_wizard_becomes_a_learned_phrase(wizard_tickets):
    article, _filed = wizard_tickets
    keys = set(LearnedPhrase.objects.filter(article=article).values_list("key", flat=True))
    assert "every evening since monday" in keys
    assert not [k for k in keys if "fix offered" in k or "findings" in k
                or "guided diagnosis" in k or "is the stream live" in k], keys
