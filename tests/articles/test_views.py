import datetime as dt

import pytest
from django.urls import reverse

from kb.articles.models import Article, ArticleFeedback
from tests.factories import make_article, make_translated_pair

pytestmark = pytest.mark.django_db


def feedback_url(article: Article) -> str:
    return reverse("articles:feedback", args=[article.language, article.slug])


class TestHomeAndAreas:
    def test_home_shows_areas_with_counts_and_common_fixes(self, client, problems):
        article = make_article(title="Port 1935 is blocked")
        make_article(area="network", title="Loss on the first hop")
        make_article(status=Article.Status.DRAFT, title="Unfinished draft")
        response = client.get("/")
        html = response.content.decode()
        assert response.status_code == 200
        assert reverse("articles:area", args=["push"]) in html
        assert "1 fix" in html
        assert article.title in html
        assert "Unfinished draft" not in html

    def test_helpful_votes_alone_do_not_rank_the_common_fixes(self, client, problems):
        # Ranked by use (tests/learning/test_usage.py); unused, by verification.
        verified = make_article(title="Verified today")
        loved = make_article(title="Loved fix", last_verified=dt.date(2025, 1, 1))
        ArticleFeedback.objects.create(article=loved, helpful=True)
        popular = client.get("/").context["popular"]
        assert popular.index(verified) < popular.index(loved)

    def test_area_page_lists_its_fixes_in_the_readers_language_first(self, client, problems):
        en, zh = make_translated_pair(area="network")
        make_article(area="push", title="Elsewhere")
        response = client.get("/areas/network/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert list(response.context["articles"]) == [zh, en]
        assert "Elsewhere" not in response.content.decode()

    def test_unknown_area_is_404(self, client, db):
        assert client.get("/areas/nowhere/").status_code == 404


class TestArticleDetail:
    def test_published_article_renders_markdown_and_symptoms(self, client, problems):
        article = make_article(problems=[problems["push.connect-refused"]])
        response = client.get(article.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "<strong>Failed to connect to server</strong>" in html
        assert "<code>Connection refused</code>" in html
        assert "push.connect-refused" not in html  # codes are for staff

    def test_script_in_the_body_is_not_rendered(self, client, problems):
        article = make_article(body="## Symptoms\n\n<script>alert('pwn')</script>ok")
        html = client.get(article.get_absolute_url()).content.decode()
        assert "alert('pwn')" not in html

    def test_translation_link_and_language_switch_target(self, client, problems):
        en, zh = make_translated_pair()
        html = client.get(en.get_absolute_url()).content.decode()
        assert f'href="{zh.get_absolute_url()}"' in html
        assert "阅读中文版" in html
        assert f'name="next" type="hidden" value="{zh.get_absolute_url()}"' in html

    @pytest.mark.parametrize("path", ["/kb/en/no-such-fix/", "/kb/fr/anything/"])
    def test_unknown_article_or_language_is_404(self, client, db, path):
        assert client.get(path).status_code == 404

    def test_draft_is_hidden_from_customers_but_shown_to_staff(self, client, problems, curator):
        draft = make_article(status=Article.Status.DRAFT)
        assert client.get(draft.get_absolute_url()).status_code == 404
        client.force_login(curator)
        response = client.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Draft" in response.content.decode()


class TestLanguageSwitch:
    def test_switching_to_chinese_translates_the_interface(self, client, db):
        response = client.post(
            "/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True
        )
        html = response.content.decode()
        assert '<html lang="zh-hans">' in html
        assert "按问题领域浏览" in html
        assert "Browse fixes by area" not in html


class TestFeedbackForm:
    def test_plain_post_stores_answer_and_thanks(self, client, problems):
        article = make_article()
        response = client.post(
            feedback_url(article), {"helpful": "no", "comment": "Add vMix"}, follow=True
        )
        assert "Thank you for your feedback." in response.content.decode()
        feedback = ArticleFeedback.objects.get()
        assert (feedback.article, feedback.helpful, feedback.comment) == (
            article, False, "Add vMix"
        )

    def test_htmx_post_returns_the_thanks_fragment(self, client, problems):
        article = make_article()
        response = client.post(feedback_url(article), {"helpful": "yes"}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        assert "Thank you" in response.content.decode()
        assert ArticleFeedback.objects.get().helpful is True

    def test_missing_answer_is_400_with_message_and_nothing_stored(self, client, problems):
        article = make_article()
        response = client.post(feedback_url(article), {"comment": "hi"})
        assert response.status_code == 400
        assert "Choose yes or no." in response.content.decode()
        assert not ArticleFeedback.objects.exists()

    def test_overlong_comment_is_refused(self, client, problems):
        article = make_article()
        response = client.post(feedback_url(article), {"helpful": "yes", "comment": "x" * 2001})
        assert response.status_code == 400
        assert not ArticleFeedback.objects.exists()

    def test_feedback_spam_is_limited_per_client(self, client, problems, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"feedback": "3/hour"},
        }
        article = make_article()
        codes = [
            client.post(feedback_url(article), {"helpful": "yes"}).status_code for _ in range(5)
        ]
        assert codes == [302, 302, 302, 429, 429]
        assert ArticleFeedback.objects.count() == 3

    def test_get_is_not_allowed(self, client, problems):
        article = make_article()
        assert client.get(feedback_url(article)).status_code == 405
