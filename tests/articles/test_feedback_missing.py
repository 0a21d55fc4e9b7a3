"""After a "No" on "Did this help?" the reader is asked what was missing; the
answer is added to that "No" and curators read it in the admin."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from kb.articles.models import ArticleFeedback
from tests.clock import EU_WORKING_HOURS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    return time_machine


def feedback_url(article) -> str:
    return reverse("articles:feedback", args=[article.language, article.slug])


def say_no(client, article) -> str:
    """Answer "No" as the page's script does; return the follow-up's token."""
    response = client.post(feedback_url(article), {"helpful": "no"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "What was missing?" in html
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_a_no_asks_what_was_missing_and_stores_the_answer_on_it(client, problems):
    article = make_article()
    token = say_no(client, article)
    response = client.post(feedback_url(article), {"token": token, "missing": " vMix settings "},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "curators will read it" in response.content.decode()
    feedback = ArticleFeedback.objects.get()
    assert (feedback.helpful, feedback.missing) == (False, "vMix settings")


def test_a_yes_is_not_asked(client, problems):
    article = make_article()
    response = client.post(feedback_url(article), {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert "What was missing?" not in response.content.decode()


def test_without_script_the_no_leads_to_the_question(client, problems):
    article = make_article()
    response = client.post(feedback_url(article), {"helpful": "no"}, follow=True)
    html = response.content.decode()
    assert "What was missing?" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    response = client.post(feedback_url(article), {"token": token, "missing": "Wirecast"},
                           follow=True)
    assert "curators will read it" in response.content.decode()
    assert ArticleFeedback.objects.get().missing == "Wirecast"


def test_the_answer_is_checked(client, problems):
    article = make_article()
    token = say_no(client, article)
    too_long = client.post(feedback_url(article), {"token": token, "missing": "x" * 2001},
                           HTTP_HX_REQUEST="true")
    empty = client.post(feedback_url(article), {"token": token, "missing": "  "},
                        HTTP_HX_REQUEST="true")
    forged = client.post(feedback_url(article), {"token": token + "x", "missing": "hi"},
                         HTTP_HX_REQUEST="true")
    assert [too_long.status_code, empty.status_code, forged.status_code] == [400, 400, 400]
    assert "Write what was missing" in empty.content.decode()
    assert "This answer cannot be found." in forged.content.decode()
    assert ArticleFeedback.objects.get().missing == ""


def test_the_question_is_answered_once_within_the_hour_on_its_article(client, problems, clock):
    article = make_article()
    other = make_article(slug="other-fix", title="Another fix")
    token = say_no(client, article)
    elsewhere = client.post(feedback_url(other), {"token": token, "missing": "hi"})
    assert elsewhere.status_code == 400
    assert client.post(feedback_url(article), {"token": token, "missing": "one"}).status_code == 302
    again = client.post(feedback_url(article), {"token": token, "missing": "two"},
                        HTTP_HX_REQUEST="true")
    assert again.status_code == 409
    assert "already told us" in again.content.decode()

    late = say_no(client, article)
    clock.move_to(EU_WORKING_HOURS + dt.timedelta(hours=2), tick=False)
    expired = client.post(feedback_url(article), {"token": late, "missing": "three"},
                          HTTP_HX_REQUEST="true")
    assert expired.status_code == 400
    assert "expired" in expired.content.decode()
    assert sorted(ArticleFeedback.objects.values_list("missing", flat=True)) == ["", "one"]


def test_answers_are_rate_limited_like_the_feedback(client, problems, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"feedback": "2/hour"},
    }
    article = make_article()
    token = say_no(client, article)
    assert client.post(feedback_url(article), {"token": token, "missing": "a"}).status_code == 302
    response = client.post(feedback_url(article), {"token": token, "missing": "b"})
    assert response.status_code == 429
    assert ArticleFeedback.objects.get().missing == "a"


def test_curators_read_it_escaped_in_the_feedback_list(client, problems, curator):
    article = make_article()
    token = say_no(client, article)
    client.post(feedback_url(article), {"token": token, "missing": "<b>OBS 30</b> steps"})
    client.force_login(curator)
    response = client.get("/admin/articles/articlefeedback/?missing=said")
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;b&gt;OBS 30&lt;/b&gt; steps" in html
    assert "<b>OBS 30</b>" not in html
