import pytest

from kb.learning.models import KnowledgeGap, LearnedPhrase
from tests.factories import make_article
from tests.learning.test_services import SIMILAR

pytestmark = pytest.mark.django_db

PHRASE = "venue gateway handshake rejected"


@pytest.fixture
def phrase(close_ticket):
    article = make_article(title="Encoder cannot connect")
    for _ in range(2):
        close_ticket(subject="Live event fails", article=article,
                     description=f'The encoder says "{PHRASE}".')
    return LearnedPhrase.objects.get(key=PHRASE)


class TestCuratorAdmin:
    def test_the_article_page_lists_its_learned_phrases(self, client, curator, phrase):
        client.force_login(curator)
        page = client.get(f"/admin/articles/article/{phrase.article_id}/change/")
        assert page.status_code == 200
        assert PHRASE in page.content.decode()

    def test_promoting_from_the_phrase_list_adds_a_symptom(self, client, curator, phrase):
        client.force_login(curator)
        response = client.post("/admin/learning/learnedphrase/", {
            "action": "action_promote", "_selected_action": [phrase.pk]}, follow=True)
        assert response.status_code == 200
        phrase.refresh_from_db()
        assert phrase.status == "promoted"
        assert PHRASE in phrase.article.symptom_list

    def test_removing_twice_says_why_the_second_is_refused(self, client, curator, phrase):
        client.force_login(curator)
        for _ in range(2):
            response = client.post("/admin/learning/learnedphrase/", {
                "action": "action_remove", "_selected_action": [phrase.pk]}, follow=True)
        assert "Only an active learned phrase can be removed." in response.content.decode()

    def test_the_gap_queue_links_the_draft(self, client, curator, close_ticket):
        for subject, description, summary in SIMILAR:
            close_ticket(subject=subject, description=description, summary=summary)
        gap = KnowledgeGap.objects.get()
        client.force_login(curator)
        page = client.get("/admin/learning/knowledgegap/").content.decode()
        assert f"/admin/articles/article/{gap.draft_article_id}/change/" in page
        detail = client.get(f"/admin/learning/knowledgegap/{gap.pk}/change/")
        assert detail.status_code == 200

    def test_customers_cannot_reach_the_queue(self, client, customer):
        client.force_login(customer)
        response = client.get("/admin/learning/knowledgegap/")
        assert response.status_code == 302
