import datetime as dt

import pytest
from django.urls import reverse

from kb.articles import services
from kb.articles.models import Article
from tests.factories import make_article, make_translated_pair

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(article, **overrides):
    data = {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "symptoms": article.symptoms,
        "body": article.body,
        "problems": [p.pk for p in article.problems.all()],
        "area": article.area,
        "roles": article.roles,
        "protocols": article.protocols,
        "encoders": article.encoders,
        "tags": article.tags,
        "owner": article.owner_id or "",
        "last_verified": article.last_verified.isoformat() if article.last_verified else "",
        "translation": "",
        "expected_version": article.version,
    }
    data.update(overrides)
    return data


class TestCuratorEditing:
    def test_curator_creates_a_draft_with_problem_codes(self, client, problems, curator):
        client.force_login(curator)
        response = client.post(reverse("admin:articles_article_add"), {
            "slug": "new-fix", "language": "en", "title": "New fix", "summary": "Short.",
            "symptoms": "Failed to connect to server", "body": "## Symptoms\n\nText",
            "problems": [problems["push.connect-refused"].pk], "area": "push",
            "roles": ["publisher"], "protocols": ["rtmp"], "encoders": ["obs"], "tags": "",
            "owner": curator.pk, "last_verified": "", "translation": "",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        article = Article.objects.get(slug="new-fix")
        assert article.status == Article.Status.DRAFT
        assert article.owner == curator
        assert [p.code for p in article.problems.all()] == ["push.connect-refused"]
        assert article.revisions.get().author == curator

    def test_edit_of_a_draft_saves_a_new_version(self, client, problems, curator):
        article = make_article(
            problems=[problems["push.connect-refused"]], status=Article.Status.DRAFT
        )
        client.force_login(curator)
        response = client.post(change_url(article), form_data(article, title="Better title"))
        assert response.status_code == 302
        article.refresh_from_db()
        assert (article.title, article.version) == ("Better title", 2)

    def test_second_curator_saving_an_old_form_is_refused_with_a_clear_message(
        self, client, problems, curator, other_curator
    ):
        article = make_article(
            problems=[problems["push.connect-refused"]], status=Article.Status.DRAFT
        )
        stale_form = form_data(article, body="## Symptoms\n\nfrom curator2")
        client.force_login(curator)
        client.post(change_url(article), form_data(article, body="## Symptoms\n\nfrom curator"))
        client.force_login(other_curator)
        response = client.post(change_url(article), stale_form)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Not saved: curator saved version 2" in html
        article.refresh_from_db()
        assert article.body == "## Symptoms\n\nfrom curator"
        assert article.version == 2

    def test_linking_the_translation_from_the_form(self, client, problems, curator):
        en = make_article(slug="english-slug")
        zh = make_article(slug="chinese-slug", language="zh-hans")
        client.force_login(curator)
        response = client.post(change_url(zh), form_data(zh, translation=en.pk))
        assert response.status_code == 302
        zh.refresh_from_db()
        assert zh.translation_group == en.translation_group

    def test_live_preview_renders_sanitized_markdown(self, client, db, curator):
        client.force_login(curator)
        response = client.post(
            reverse("admin:articles_article_preview"),
            {"body": "**bold** <script>x()</script> [m](kb:mtu-mss-fragmentation)",
             "language": "zh-hans"},
        )
        data = response.json()
        assert "<strong>bold</strong>" in data["html"]
        assert "<script" not in data["html"]
        assert "/kb/zh-hans/mtu-mss-fragmentation/" in data["html"]

    def test_preview_needs_staff_login(self, client, db, customer):
        client.force_login(customer)
        response = client.post(reverse("admin:articles_article_preview"), {"body": "x"})
        assert response.status_code == 302  # to the admin login


class TestReviewInAdmin:
    def workflow(self, client, article, action, **data):
        return client.post(
            reverse("admin:articles_article_workflow", args=[article.pk, action]), data,
            follow=True,
        )

    def test_curator_sends_to_review_and_reviewer_publishes(
        self, client, problems, curator, reviewer
    ):
        article = make_article(status=Article.Status.DRAFT, author=curator)
        client.force_login(curator)
        assert "Sent to review." in self.workflow(client, article, "submit").content.decode()
        client.force_login(reviewer)
        assert "Published." in self.workflow(client, article, "publish").content.decode()
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED

    def test_curator_cannot_publish(self, client, problems, curator):
        article = make_article(status=Article.Status.IN_REVIEW)
        client.force_login(curator)
        response = self.workflow(client, article, "publish")
        assert response.status_code == 403
        article.refresh_from_db()
        assert article.status == Article.Status.IN_REVIEW

    def test_reviewer_returns_with_note_shown_to_the_author(
        self, client, problems, curator, reviewer
    ):
        article = make_article(status=Article.Status.IN_REVIEW, author=curator)
        client.force_login(reviewer)
        self.workflow(client, article, "return", note="Add the vMix steps")
        client.force_login(curator)
        html = client.get(change_url(article)).content.decode()
        assert "Returned by the reviewer" in html
        assert "Add the vMix steps" in html

    def test_invalid_transition_shows_an_error_not_a_crash(self, client, problems, reviewer):
        article = make_article(status=Article.Status.DRAFT)
        client.force_login(reviewer)
        response = self.workflow(client, article, "publish")
        assert response.status_code == 200
        assert "Cannot publish an article that is draft." in response.content.decode()

    def test_unknown_action_is_404(self, client, problems, reviewer):
        article = make_article()
        client.force_login(reviewer)
        assert self.workflow(client, article, "explode").status_code == 404


class TestRevisionsInAdmin:
    def test_diff_shows_what_changed(self, client, problems, curator):
        article = make_article(body="## Fix\n\nopen port 1935")
        services.article_update(
            article=article, editor=curator, expected_version=1, body="## Fix\n\nopen port 443"
        )
        client.force_login(curator)
        listing = client.get(reverse("admin:articles_article_revisions", args=[article.pk]))
        assert "v2 (current)" in listing.content.decode()
        diff = client.get(
            reverse("admin:articles_article_revision_diff", args=[article.pk, 2])
        ).content.decode()
        assert '<span class="del">-open port 1935</span>' in diff
        assert '<span class="add">+open port 443</span>' in diff

    @pytest.mark.parametrize("against", ["²", "9" * 5000, "99999999999"])
    def test_a_version_to_compare_against_that_is_no_version_is_ignored(
        self, client, problems, curator, against
    ):
        article = make_article(body="## Fix\n\nopen port 1935")
        services.article_update(
            article=article, editor=curator, expected_version=1, body="## Fix\n\nopen port 443"
        )
        client.force_login(curator)
        diff = client.get(
            reverse("admin:articles_article_revision_diff", args=[article.pk, 2]),
            {"against": against},
        ).content.decode()
        assert '<span class="add">+open port 443</span>' in diff

    def test_rollback_of_a_draft_from_the_diff_page(self, client, problems, curator):
        article = make_article(body="## Fix\n\ngood", status=Article.Status.DRAFT)
        services.article_update(article=article, editor=curator, expected_version=1, body="bad")
        client.force_login(curator)
        response = client.post(
            reverse("admin:articles_article_rollback", args=[article.pk, 1]),
            {"expected_version": 2}, follow=True,
        )
        assert "Rolled back to version 1" in response.content.decode()
        article.refresh_from_db()
        assert (article.body, article.version) == ("## Fix\n\ngood", 3)

    def test_rollback_from_an_outdated_page_is_refused(self, client, problems, curator):
        article = make_article(body="## Fix\n\ngood")
        services.article_update(article=article, editor=curator, expected_version=1, body="v2")
        services.article_update(article=article, editor=curator, expected_version=2, body="v3")
        client.force_login(curator)
        response = client.post(
            reverse("admin:articles_article_rollback", args=[article.pk, 1]),
            {"expected_version": 2}, follow=True,
        )
        assert "Not saved" in response.content.decode()
        article.refresh_from_db()
        assert article.body == "v3"


class TestContentHealthInAdmin:
    def test_stale_filter_lists_articles_not_verified_for_180_days(
        self, client, problems, curator
    ):
        make_article(title="Old fix", last_verified=dt.date.today() - dt.timedelta(days=200))
        make_article(title="Fresh fix", last_verified=dt.date.today())
        client.force_login(curator)
        html = client.get(
            reverse("admin:articles_article_changelist") + "?verified=stale"
        ).content.decode()
        assert "Old fix" in html
        assert "Fresh fix" not in html

    def test_outdated_translation_is_flagged_on_its_page(self, client, problems, curator):
        en, zh = make_translated_pair()
        services.article_update(article=en, editor=curator, expected_version=1, body="new")
        client.force_login(curator)
        html = client.get(change_url(zh)).content.decode()
        assert "Its translation changed after this article was last brought in line" in html
        client.post(reverse("admin:articles_article_workflow",
                            args=[zh.pk, "confirm-translation"]))
        zh.refresh_from_db()
        assert zh.translation_outdated is False


class TestHomePageRecommendationInAdmin:
    def test_a_curator_recommends_and_stops_recommending_from_the_list(
            self, client, problems, curator):
        en, zh = make_translated_pair()
        client.force_login(curator)
        changelist = reverse("admin:articles_article_changelist")
        response = client.post(changelist, {"action": "action_recommend",
                                             "_selected_action": [zh.pk]}, follow=True)
        assert "Recommended on the home page until use ranks the fixes, at positions 1." \
            in response.content.decode()
        en.refresh_from_db()
        assert en.home_position == 1
        home = client.get("/")
        assert home.context["popular"][0] == en
        assert "Recommended fixes" in home.content.decode()
        client.post(changelist, {"action": "action_unrecommend", "_selected_action": [en.pk]})
        zh.refresh_from_db()
        assert zh.home_position is None
        assert "Recently verified fixes" in client.get("/").content.decode()
