import itertools

import pytest
from django.conf import settings

from kb.learning.services import learn_from_ticket
from kb.tickets import services as tickets
from kb.tickets.models import Organization

_numbers = itertools.count(1)


@pytest.fixture
def support(db, django_user_model, groups):
    """Teams, SLA policies, a customer organisation and an engineer."""
    tickets.teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    tickets.sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    requester = django_user_model.objects.create_user("alice", email="alice@example.com")
    org.members.add(requester)
    engineer = django_user_model.objects.create_user("eve", email="eve@example.com",
                                                     is_staff=True)
    engineer.groups.add(groups["Support engineers"])
    return {"org": org, "requester": requester, "engineer": engineer}


@pytest.fixture
def close_ticket(support):
    """File, work and close a ticket through the services; learn from it.

    ``learn=False`` leaves the learning to the caller (the task is queued
    on commit, which a test transaction never reaches).
    """

    def _close(*, subject: str, description: str = "", article=None, summary: str = "",
               problems=(), attachments=None, learn: bool = True, priority: str = "P3",
               region: str = "eu"):
        engineer = support["engineer"]
        ticket = tickets.ticket_create(
            requester=support["requester"], organization=support["org"], subject=subject,
            description=description or subject, priority=priority, region=region,
            attachments=attachments)
        tickets.ticket_acknowledge(ticket=ticket, actor=engineer)
        if problems:
            tickets.ticket_locate(ticket=ticket, actor=engineer, problems=list(problems))
        tickets.ticket_resolve(ticket=ticket, actor=engineer, article=article,
                               summary=summary or ("" if article else f"Fixed #{next(_numbers)}"))
        tickets.ticket_close(ticket=ticket, actor=engineer)
        if learn:
            learn_from_ticket(ticket_id=ticket.pk)
        return ticket

    return _close


# Three tickets of one problem no article covers: a knowledge gap.
SIMILAR = [
    ("Ad markers vanish after the break", "SCTE-35 cue markers dropped at the ad break "
     "on our HLS output.", "Enabled SCTE-35 passthrough on the transcoder profile."),
    ("SCTE-35 cues missing in HLS", "The ad break cue markers (SCTE-35) are dropped, "
     "the ad server never triggers.", "Turned on SCTE-35 passthrough for the channel."),
    ("No ad insertion: SCTE markers lost", "Our SSAI sees no SCTE-35 markers at the "
     "ad break in the HLS playlist.", "SCTE-35 passthrough was off; enabled it."),
]
