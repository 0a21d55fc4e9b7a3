import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from kb.articles import services
from kb.articles.models import Article, ArticleFeedback
from kb.core.exceptions import ApplicationError
from tests.factories import make_article, make_translated_pair

pytestmark = pytest.mark.django_db


class TestArticleCreate:
    def test_new_article_starts_as_draft_with_first_revision(self, problems, curator):
        article = make_article(
            problems=[problems["push.connect-refused"]], author=curator,
            status=Article.Status.DRAFT,
        )
        assert article.status == Article.Status.DRAFT
        assert article.version == 1
        assert article.owner == curator
        revision = article.revisions.get()
        assert revision.version == 1
        assert revision.problem_codes == ["push.connect-refused"]

    def test_symptoms_keep_one_phrase_per_line(self, problems):
        article = make_article(
            symptoms=["  Failed to connect to server ", "", "already publishing"]
        )
        assert article.symptom_list == ["Failed to connect to server", "already publishing"]

    def test_slug_must_be_unique_per_language(self, problems):
        make_article(slug="same")
        make_article(slug="same", language="zh-hans")
        with pytest.raises(ValidationError, match="Language and Slug already exists"):
            make_article(slug="same")


class TestArticleUpdate:
    def test_edit_makes_next_version_with_revision(self, problems, curator):
        article = make_article(author=curator)
        updated = services.article_update(
            article=article, editor=curator, expected_version=1, title="Port 1935 is blocked"
        )
        assert updated.version == 2
        assert list(updated.revisions.values_list("version", flat=True)) == [2, 1]
        assert updated.revisions.get(version=1).title != "Port 1935 is blocked"

    def test_second_editor_on_old_version_is_refused_and_nothing_is_overwritten(
        self, problems, curator, other_curator
    ):
        article = make_article(author=curator)
        services.article_update(
            article=article, editor=curator, expected_version=1, body="## Symptoms\n\nfirst"
        )
        with pytest.raises(services.ArticleConflict) as refused:
            services.article_update(
                article=article, editor=other_curator, expected_version=1, body="second"
            )
        assert "curator saved version 2" in refused.value.message
        assert refused.value.status_code == 409
        article.refresh_from_db()
        assert article.body == "## Symptoms\n\nfirst"
        assert article.version == 2

    def test_saving_unchanged_content_makes_no_new_version(self, problems, curator):
        article = make_article(author=curator)
        same = services.article_update(
            article=article, editor=curator, expected_version=1, title=article.title
        )
        assert same.version == 1

    def test_changing_problem_codes_makes_a_revision(self, problems, curator):
        article = make_article(problems=[problems["push.connect-refused"]])
        services.article_update(
            article=article, editor=curator, expected_version=1,
            problems=[problems["push.connect-refused"], problems["net.udp-blocked"]],
        )
        assert article.revisions.get(version=2).problem_codes == [
            "net.udp-blocked", "push.connect-refused"
        ]


class TestTranslationOutdated:
    def test_editing_one_language_flags_the_other(self, problems, curator):
        en, zh = make_translated_pair()
        services.article_update(article=en, editor=curator, expected_version=1, body="new")
        zh.refresh_from_db()
        en.refresh_from_db()
        assert zh.translation_outdated is True
        assert en.translation_outdated is False

    def test_updating_the_flagged_translation_clears_it_without_flagging_back(
        self, problems, curator
    ):
        en, zh = make_translated_pair()
        services.article_update(article=en, editor=curator, expected_version=1, body="new")
        zh.refresh_from_db()
        services.article_update(article=zh, editor=curator, expected_version=1, body="新")
        zh.refresh_from_db()
        en.refresh_from_db()
        assert zh.translation_outdated is False
        assert en.translation_outdated is False

    def test_minor_edit_does_not_flag_the_translation(self, problems, curator):
        en, zh = make_translated_pair()
        services.article_update(
            article=en, editor=curator, expected_version=1, body="typo fixed", minor_edit=True
        )
        zh.refresh_from_db()
        assert zh.translation_outdated is False

    def test_confirming_clears_the_flag(self, problems, curator):
        en, zh = make_translated_pair()
        services.article_update(article=en, editor=curator, expected_version=1, body="new")
        zh.refresh_from_db()
        services.article_confirm_translation(article=zh, actor=curator)
        zh.refresh_from_db()
        assert zh.translation_outdated is False

    def test_linking_a_translation_in_the_same_language_is_refused(self, problems):
        first = make_article(slug="one")
        second = make_article(slug="two")
        with pytest.raises(ApplicationError, match="other language"):
            services.article_link_translation(article=first, translation=second)

    def test_linking_joins_the_translation_group(self, problems):
        en = make_article(slug="english-name")
        zh = make_article(slug="chinese-name", language="zh-hans")
        services.article_link_translation(article=zh, translation=en)
        zh.refresh_from_db()
        assert zh.translation_group == en.translation_group


class TestRollback:
    def test_rollback_of_a_draft_saves_old_content_as_a_new_version(self, problems, curator):
        article = make_article(
            problems=[problems["push.connect-refused"]], status=Article.Status.DRAFT
        )
        original_body = article.body
        services.article_update(
            article=article, editor=curator, expected_version=1, body="broken",
            problems=[problems["net.jitter"]],
        )
        restored = services.article_rollback(
            article=article, revision=article.revisions.get(version=1), editor=curator,
            expected_version=2,
        )
        assert restored.version == 3
        assert restored.body == original_body
        assert [p.code for p in restored.problems.all()] == ["push.connect-refused"]
        assert restored.revisions.get(version=3).note == "rolled back to version 1"


class TestReviewWorkflow:
    def test_draft_goes_to_review_then_reviewer_publishes(self, problems, curator, reviewer):
        article = make_article(author=curator, status=Article.Status.DRAFT)
        services.article_submit_for_review(article=article, actor=curator)
        services.article_publish(article=article, reviewer=reviewer)
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.reviewer == reviewer
        assert article.published_at is not None

    def test_curator_without_review_permission_cannot_publish(self, problems, curator):
        article = make_article(author=curator, status=Article.Status.IN_REVIEW)
        with pytest.raises(ApplicationError, match="Only a reviewer"):
            services.article_publish(article=article, reviewer=curator)
        article.refresh_from_db()
        assert article.status == Article.Status.IN_REVIEW

    def test_reviewer_returns_with_a_note(self, problems, curator, reviewer):
        article = make_article(author=curator, status=Article.Status.IN_REVIEW)
        services.article_return_to_draft(
            article=article, reviewer=reviewer, note="Add the vMix steps"
        )
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT
        assert article.review_note == "Add the vMix steps"

    def test_publishing_a_draft_that_skipped_review_is_refused(self, problems, reviewer):
        article = make_article(status=Article.Status.DRAFT)
        with pytest.raises(ApplicationError, match="draft"):
            services.article_publish(article=article, reviewer=reviewer)

    def test_reviewers_are_emailed_only_after_the_submit_commits(
        self, problems, curator, reviewer, django_capture_on_commit_callbacks
    ):
        article = make_article(author=curator, status=Article.Status.DRAFT)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.article_submit_for_review(article=article, actor=curator)
        assert mail.outbox == []
        for callback in callbacks:
            callback()
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["reviewer@example.com"]
        assert article.title in mail.outbox[0].subject


class TestFeedback:
    def test_feedback_is_stored_without_personal_data(self, problems):
        article = make_article()
        feedback = services.feedback_create(article=article, helpful=False, comment=" add vMix ")
        assert feedback.comment == "add vMix"
        field_names = {f.name for f in ArticleFeedback._meta.get_fields()}
        assert field_names == {"id", "article", "helpful", "comment", "missing",
                               "created_at"}

    def test_feedback_on_a_draft_is_refused(self, problems):
        article = make_article(status=Article.Status.DRAFT)
        with pytest.raises(ApplicationError):
            services.feedback_create(article=article, helpful=True)


class TestHomePageRecommendation:
    def test_a_recommended_fix_is_recommended_in_both_languages_after_the_others(
            self, problems):
        first = make_article()
        en, zh = make_translated_pair()
        assert services.article_recommend(article=first) == 1
        assert services.article_recommend(article=zh) == 2
        en.refresh_from_db()
        zh.refresh_from_db()
        assert en.home_position == zh.home_position == 2

    def test_recommending_again_keeps_the_place(self, problems):
        first, second = make_article(), make_article()
        services.article_recommend(article=first)
        services.article_recommend(article=second)
        assert services.article_recommend(article=first) == 1

    def test_stopping_clears_both_languages_and_changes_no_version(self, problems):
        en, zh = make_translated_pair()
        services.article_recommend(article=en)
        services.article_unrecommend(article=zh)
        assert list(Article.objects.values_list("home_position", "version")) == [
            (None, 1), (None, 1)]
