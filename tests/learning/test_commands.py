import pytest
from django.core.management import CommandError, call_command

from kb.learning.models import KnowledgeGap, TicketLearning
from tests.learning.test_services import SIMILAR

pytestmark = pytest.mark.django_db


def test_learn_replays_closed_tickets_since_a_date(close_ticket, capsys):
    tickets = [close_ticket(subject=s, description=d, summary=r, learn=False)
               for s, d, r in SIMILAR]
    call_command("learn", "--since", "2020-01-01")
    assert TicketLearning.objects.filter(ticket__in=tickets).count() == 3
    assert KnowledgeGap.objects.get().size == 3
    out = capsys.readouterr().out
    assert "3 learned from" in out and "knowledge gaps created: 1" in out
    call_command("learn", "--since", "2020-01-01")  # again: nothing new
    assert KnowledgeGap.objects.count() == 1
    assert "0 learned from" in capsys.readouterr().out


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "2999-01-01"])
def test_a_bad_date_is_refused_with_a_message(db, since):
    with pytest.raises(CommandError) as error:
        call_command("learn", "--since", since)
    assert "--since" in str(error.value)
