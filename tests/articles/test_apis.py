import pytest
from rest_framework.test import APIClient

from kb.articles.models import Article, ArticleFeedback
from tests.factories import make_article, make_translated_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


class TestProblemListApi:
    def test_lists_all_taxonomy_codes_with_fix_counts(self, api, problems):
        make_article(problems=[problems["net.jitter"]], area="network")
        data = api.get("/api/v1/problems/").json()
        assert len(data) == 41  # the taxonomy's codes
        jitter = next(row for row in data if row["code"] == "net.jitter")
        assert jitter["area"] == "network"
        assert jitter["published_article_count"] == 1
        assert "抖动" in jitter["summary_zh"]

    def test_filter_by_area(self, api, problems):
        data = api.get("/api/v1/problems/?area=operations").json()
        assert {row["code"] for row in data} == {
            "ops.recording-missing", "ops.transcode-failure", "ops.callback-failure",
            "ops.quota-exceeded", "ops.backup-failover",
        }

    def test_unknown_area_is_400(self, api, problems):
        response = api.get("/api/v1/problems/?area=space")
        assert response.status_code == 400
        assert "area" in response.json()


class TestArticleListApi:
    def test_filters_by_problem_area_and_language(self, api, problems):
        en, zh = make_translated_pair(problems=[problems["net.jitter"]], area="network")
        make_article(problems=[problems["push.connect-refused"]])
        rows = api.get("/api/v1/articles/?problem=net.jitter&lang=zh-hans").json()["results"]
        assert [(r["slug"], r["lang"]) for r in rows] == [(zh.slug, "zh-hans")]
        assert rows[0]["problems"] == ["net.jitter"]
        assert rows[0]["url"] == zh.get_absolute_url()
        rows = api.get("/api/v1/articles/?area=network").json()["results"]
        assert {r["lang"] for r in rows} == {"en", "zh-hans"}

    def test_customers_see_only_published_even_when_asking_for_drafts(self, api, problems):
        make_article(status=Article.Status.DRAFT, title="Secret draft")
        make_article(title="Public fix")
        titles = [r["title"] for r in api.get("/api/v1/articles/?status=draft").json()["results"]]
        assert titles == []
        titles = [r["title"] for r in api.get("/api/v1/articles/").json()["results"]]
        assert titles == ["Public fix"]

    def test_staff_filter_by_status(self, api, problems, curator):
        make_article(status=Article.Status.DRAFT, title="Secret draft")
        make_article(title="Public fix")
        api.force_authenticate(curator)
        rows = api.get("/api/v1/articles/?status=draft").json()["results"]
        assert [r["title"] for r in rows] == ["Secret draft"]

    def test_invalid_filter_is_400_with_field_error(self, api, db):
        response = api.get("/api/v1/articles/?lang=klingon")
        assert response.status_code == 400
        assert "lang" in response.json()


class TestArticleDetailApi:
    def test_detail_has_sanitized_html_and_translation(self, api, problems):
        en, zh = make_translated_pair(body="## Symptoms\n\n<img src=x onerror=alert(1)>**bold**")
        data = api.get(f"/api/v1/articles/en/{en.slug}/").json()
        assert "<strong>bold</strong>" in data["html"]
        assert "onerror" not in data["html"]
        assert data["translation"] == {
            "slug": zh.slug, "lang": "zh-hans", "url": zh.get_absolute_url()
        }
        assert data["symptoms"] == ["Failed to connect to server", "Connection refused"]
        assert data["feedback"] == {"helpful": 0, "not_helpful": 0}

    def test_unknown_slug_is_404(self, api, db):
        assert api.get("/api/v1/articles/en/nothing-here/").status_code == 404


class TestArticleFeedbackApi:
    def url(self, article):
        return f"/api/v1/articles/{article.language}/{article.slug}/feedback/"

    def test_feedback_is_created(self, api, problems):
        article = make_article()
        response = api.post(self.url(article), {"helpful": False, "comment": "no vMix"},
                            format="json")
        assert response.status_code == 201
        assert response.json()["helpful"] is False
        assert ArticleFeedback.objects.get().comment == "no vMix"

    @pytest.mark.parametrize(
        "payload, field",
        [({}, "helpful"), ({"helpful": "perhaps"}, "helpful"),
         ({"helpful": True, "comment": "x" * 2001}, "comment")],
    )
    def test_invalid_payload_is_400_with_field_errors(self, api, problems, payload, field):
        article = make_article()
        response = api.post(self.url(article), payload, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not ArticleFeedback.objects.exists()

    def test_feedback_on_unpublished_article_is_404(self, api, problems):
        article = make_article(status=Article.Status.DRAFT)
        assert api.post(self.url(article), {"helpful": True}, format="json").status_code == 404

    def test_spam_is_throttled_with_429(self, api, problems, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"feedback": "2/hour"}
        }
        article = make_article()
        codes = [api.post(self.url(article), {"helpful": True}, format="json").status_code
                 for _ in range(3)]
        assert codes == [201, 201, 429]
        assert "Too many requests" in api.post(self.url(article), {"helpful": True},
                                               format="json").json()["detail"]


class TestSchema:
    def test_openapi_schema_lists_the_endpoints(self, api, db):
        response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        for path in ("/api/v1/problems/", "/api/v1/articles/",
                     "/api/v1/articles/{language}/{slug}/",
                     "/api/v1/articles/{language}/{slug}/feedback/"):
            assert path in paths

    def test_browsable_docs_page_serves_local_assets(self, client, db):
        response = client.get("/api/v1/docs/")
        assert response.status_code == 200
        assert "swagger-ui" in response.content.decode()
        assert "cdn.jsdelivr" not in response.content.decode()
