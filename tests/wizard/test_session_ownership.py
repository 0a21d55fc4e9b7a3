"""A wizard session is its owner's: the customer who started it signed in, or
the first to sign in with an anonymous one. Others get a 404; staff who work
tickets may read it."""

import pytest

from kb.tickets.models import Organization, Ticket
from kb.wizard.models import WizardSession
from tests.wizard.conftest import SAMPLES

pytestmark = pytest.mark.django_db

PING = (SAMPLES / "linux-ping-lossy.txt").read_text()


def start(client, slug="network-stutter") -> WizardSession:
    response = client.post("/wizard/", {"flow": slug})
    assert response.status_code == 302
    return WizardSession.objects.get(id=response["Location"].split("/")[-2])


def answer(client, session, expect=302, **data):
    session.refresh_from_db()
    data.setdefault("step", session.current_step)
    response = client.post(f"/wizard/s/{session.id}/", data)
    assert response.status_code == expect, response.content.decode()[:2000]
    session.refresh_from_db()
    return response


def with_a_paste(client) -> WizardSession:
    session = start(client)
    for choice in ("live-degraded", "always", "rtmp"):
        answer(client, session, choice=choice)
    answer(client, session, text=PING)
    return session


@pytest.fixture
def rival(django_user_model, site_content):
    """A customer of another organization."""
    user = django_user_model.objects.create_user("rival", password="pw-rival-12345")
    Organization.objects.create(name="Rival Streams").members.add(user)
    return user


class TestASignedInCustomersSession:
    def test_another_customer_gets_404_and_cannot_escalate_it(self, client, member, rival):
        client.force_login(member)
        session = with_a_paste(client)
        client.force_login(rival)
        assert client.get(f"/wizard/s/{session.id}/").status_code == 404
        for data in ({"action": "escalate", "region": "eu"}, {"action": "restart"},
                     {"step": session.current_step}):
            assert client.post(f"/wizard/s/{session.id}/", data).status_code == 404
        session.refresh_from_db()
        assert session.user == member and session.outcome == "open"
        assert session.attachments.count() == 1
        assert not Ticket.objects.exists()

    def test_someone_signed_out_with_the_link_gets_404(self, client, member):
        client.force_login(member)
        session = with_a_paste(client)
        client.logout()
        page = client.get(f"/wizard/s/{session.id}/")
        assert page.status_code == 404
        assert "linux" not in page.content.decode()

    def test_the_owner_goes_on_as_before(self, client, member):
        client.force_login(member)
        session = with_a_paste(client)
        page = client.get(f"/wizard/s/{session.id}/")
        assert page.status_code == 200 and 'name="step"' in page.content.decode()


class TestStaffReading:
    def test_support_staff_read_the_session_and_its_pastes_without_forms(
            self, client, member, engineer):
        client.force_login(member)
        session = with_a_paste(client)
        client.force_login(engineer)
        page = client.get(f"/wizard/s/{session.id}/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "only they can answer it" in html and "mei" in html
        assert "pasted.txt" in html and "64 bytes from" in html
        assert 'name="step"' not in html and 'value="restart"' not in html

    def test_support_staff_cannot_answer_for_the_customer(self, client, member, engineer):
        client.force_login(member)
        session = with_a_paste(client)
        step = session.current_step
        client.force_login(engineer)
        response = client.post(f"/wizard/s/{session.id}/", {"action": "restart"})
        assert response.status_code == 403
        assert "only they can answer it" in response.content.decode()
        session.refresh_from_db()
        assert session.current_step == step and session.attachments.count() == 1

    def test_staff_without_the_ticket_permission_get_404(self, client, member,
                                                          django_user_model):
        client.force_login(member)
        session = with_a_paste(client)
        client.force_login(django_user_model.objects.create_user("intern", is_staff=True))
        assert client.get(f"/wizard/s/{session.id}/").status_code == 404

    def test_reading_an_anonymous_session_does_not_take_it(self, client, engineer,
                                                           site_content):
        session = with_a_paste(client)
        client.force_login(engineer)
        assert client.get(f"/wizard/s/{session.id}/").status_code == 200
        session.refresh_from_db()
        assert session.user is None


class TestAnAnonymousSession:
    def test_anyone_with_the_link_may_go_on_until_someone_signs_in(self, client,
                                                                    site_content):
        from django.test import Client

        session = with_a_paste(client)
        other = Client()
        assert other.get(f"/wizard/s/{session.id}/").status_code == 200

    def test_the_first_to_sign_in_with_it_keeps_it(self, client, member, rival):
        from django.test import Client

        session = with_a_paste(client)
        client.force_login(member)
        assert client.get(f"/wizard/s/{session.id}/").status_code == 200
        session.refresh_from_db()
        assert session.user == member
        late = Client()
        late.force_login(rival)
        assert late.get(f"/wizard/s/{session.id}/").status_code == 404
        assert Client().get(f"/wizard/s/{session.id}/").status_code == 404
        assert client.get(f"/wizard/s/{session.id}/").status_code == 200

    def test_an_answer_after_signing_in_claims_it_too(self, client, member, rival):
        from django.test import Client

        session = with_a_paste(client)
        client.force_login(member)
        answer(client, session)  # the check step
        assert session.user == member
        late = Client()
        late.force_login(rival)
        assert late.post(f"/wizard/s/{session.id}/", {"action": "back"}).status_code == 404
