"""The region a ticket filed from mail goes to: the one the message names,
else its mailbox's, else the organization's usual one."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.core.choices import Region
from kb.mail.services import message_receive
from kb.mail.triage import regions_named
from tests.clock import EU_WORKING_HOURS
from tests.mail.conftest import message

AFTER_THE_CORPUS_ARRIVED = EU_WORKING_HOURS + dt.timedelta(hours=1)


@pytest.mark.parametrize(("text", "regions"), [
    ("RTMP push to Singapore stuttering", ["sea"]),
    ("我们从上海推流到新加坡的源站，断流了", ["cn", "sea"]),
    ("Viewers in Frankfurt and London see buffering", ["eu"]),
    ("The U.S. ingest in Ashburn refuses the connection", ["na"]),
    ("推流到法兰克福卡顿", ["eu"]),
    ("São Paulo viewers get HLS 404", ["latam"]),
    ("Dubai studio to Johannesburg CDN", ["mea"]),
    # Words that merely contain a place are not places.
    ("please use sha256; our causal analysis", []),
    ("OBS says: Failed to connect to server", []),
])
def test_the_regions_a_message_names_in_order(text, regions):
    assert regions_named(text) == regions


@given(st.text(max_size=300))
def test_any_text_names_known_regions_once_each(text):
    named = regions_named(text)
    assert len(named) == len(set(named)) and set(named) <= set(Region.values)


@pytest.fixture
def receive(time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(AFTER_THE_CORPUS_ARRIVED, tick=False)

    def _receive(raw: bytes, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return message_receive(raw=raw, **kwargs)
    return _receive


@pytest.mark.django_db
def test_a_region_named_in_the_message_routes_the_ticket(mail_site, receive):
    received = receive(message(subject="Push to the Singapore ingest drops",
                               body="OBS reconnects every minute."), mailbox_region="cn")
    assert received.ticket.region == "sea"
    assert (received.region, received.region_reason) == ("sea", "named")


@pytest.mark.django_db
def test_without_a_named_region_the_mailbox_region_routes_it(mail_site, receive):
    received = receive(message(subject="Stutter", body="OBS drops frames."),
                       mailbox="support-cn@mail.example:993/INBOX", mailbox_region="cn")
    assert received.ticket.region == "cn" and received.region_reason == "mailbox"
    assert received.mailbox == "support-cn@mail.example:993/INBOX"


@pytest.mark.django_db
def test_then_the_organizations_usual_region_and_at_first_the_default(mail_site, receive):
    first = receive(message(subject="Stutter", body="OBS drops frames."))
    assert first.ticket.region == Region.NA and first.region_reason == "default"
    first.ticket.region = "eu"
    first.ticket.save(update_fields=["region"])
    second = receive(message(subject="Stutter again", body="Still dropping."))
    assert second.ticket.region == "eu" and second.region_reason == "usual"


@pytest.mark.django_db
def test_of_several_named_regions_the_usual_one_wins(mail_site, receive):
    first = receive(message(subject="Push to Frankfurt fails", body="Connection refused."))
    assert first.ticket.region == "eu"
    # A cross-border path names both ends: the team that knows them answers.
    second = receive(message(subject="Shanghai to Frankfurt line stutters",
                             body="RTT jumps to 400 ms."))
    assert second.ticket.region == "eu" and second.region_reason == "named"
