import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return get_user_model().objects.create_user("lin", "lin@example.com", "correct-horse-9")


def test_sign_in_and_out_from_the_header(client, customer):
    page = client.get("/accounts/login/?next=/search/")
    assert page.status_code == 200
    signed_in = client.post("/accounts/login/", {"username": "lin", "password": "correct-horse-9",
                                                 "next": "/search/"})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/search/"
    assert "lin" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Sign in" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, customer):
    response = client.post("/accounts/login/", {"username": "lin", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_for_a_while(client, customer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "lin", "password": "guess"})
    locked = client.post("/accounts/login/", {"username": "lin", "password": "correct-horse-9"})
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.content.decode()


def test_password_reset_by_email_sets_a_new_password(client, customer):
    client.post("/accounts/password_reset/", {"email": "lin@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "new-stream-key-77",
                                                    "new_password2": "new-stream-key-77"})
    assert done.status_code == 302
    assert get_user_model().objects.get(username="lin").check_password("new-stream-key-77")


def test_password_reset_does_not_tell_whether_an_address_exists(client, customer):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"},
                           follow=True)
    assert response.status_code == 200
    assert "If an account has this address" in response.content.decode()
    assert mail.outbox == []
