"""Edits of a published article wait for review; readers keep the published
version until a reviewer publishes the edit."""

import pytest
from django.core import mail
from django.urls import reverse

from kb.articles import services
from kb.articles.models import Article, ArticleRevision
from kb.core.exceptions import ApplicationError
from kb.search.services import search_articles
from tests.articles.test_admin import change_url, form_data
from tests.clock import EU_WORKING_HOURS
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SITE = "https://kb.example.com"
OLD_BODY = "## Fix\n\nOpen port 1935 on the firewall."
NEW_BODY = "## Fix\n\nOpen port 1935 and port 443 on the firewall (quokkaport)."


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(EU_WORKING_HOURS, tick=False)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.KB_SITE_URL = SITE


@pytest.fixture
def live(problems, curator, build_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(
            author=curator, title="Wombat encoder cannot connect", body=OLD_BODY,
            problems=[problems["push.connect-refused"]],
        )
    build_index()
    return article


def public_page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def found(text: str) -> list[str]:
    return [hit.slug for hit in search_articles(text=text, language="en", record=False).hits]


def edit(article, editor, **fields):
    pending = services.pending_edit_of(article)
    return services.article_edit_published(
        article=article, editor=editor, expected_version=article.version,
        expected_edit=pending.pk if pending else None, **fields,
    )


class TestEditingAPublishedArticle:
    def test_readers_and_search_still_see_the_published_text(
        self, client, live, curator, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            revision = edit(live, curator, body=NEW_BODY, title="Quokka encoder fix")
        assert revision.state == ArticleRevision.State.PENDING
        live.refresh_from_db()
        assert (live.title, live.body, live.version) == (
            "Wombat encoder cannot connect", OLD_BODY, 1
        )
        page = public_page(client, live)
        assert "Wombat encoder cannot connect" in page
        assert "quokkaport" not in page
        assert found("quokka") == []
        assert found("wombat") == [live.slug]

    def test_reviewers_are_emailed_a_full_link_to_the_edit(
        self, live, curator, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            edit(live, curator, body=NEW_BODY)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["reviewer@example.com"]
        assert f"{SITE}/admin/articles/article/{live.pk}/change/" in message.body
        assert "Readers see version 1" in message.body

    def test_publishing_the_edit_makes_it_live_and_searchable(
        self, client, live, curator, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            edit(live, curator, body=NEW_BODY, title="Quokka encoder fix")
        with django_capture_on_commit_callbacks(execute=True):
            services.article_edit_publish(article=live, reviewer=reviewer)
        live.refresh_from_db()
        assert (live.title, live.body, live.version) == ("Quokka encoder fix", NEW_BODY, 2)
        assert "quokkaport" in public_page(client, live)
        assert found("quokka") == [live.slug]
        assert found("wombat") == []
        saved = live.revisions.get(version=2)
        assert (saved.author, saved.reviewed_by, saved.reviewed_at) == (
            curator, reviewer, EU_WORKING_HOURS
        )
        assert services.pending_edit_of(live) is None

    def test_returning_the_edit_emails_its_author_and_leaves_the_live_text(
        self, client, live, curator, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            edit(live, curator, body=NEW_BODY)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.article_edit_return(
                article=live, reviewer=reviewer, note="Port 443 is for RTMPS only."
            )
        live.refresh_from_db()
        assert (live.body, live.version) == (OLD_BODY, 1)
        assert "quokkaport" not in public_page(client, live)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["curator@example.com"]
        assert "Port 443 is for RTMPS only." in message.body
        assert f"{SITE}/admin/articles/article/{live.pk}/change/" in message.body
        assert services.returned_edit_of(live).review_note == "Port 443 is for RTMPS only."

    def test_a_reviewers_minor_edit_is_published_at_once_and_recorded(
        self, client, live, reviewer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            edit(live, reviewer, body=NEW_BODY, title="Quokka encoder fix", minor_edit=True)
        live.refresh_from_db()
        assert (live.body, live.version) == (NEW_BODY, 2)
        assert found("quokka") == [live.slug]
        saved = live.revisions.get(version=2)
        assert (saved.note, saved.reviewed_by, saved.reviewed_at) == (
            "minor edit", reviewer, EU_WORKING_HOURS
        )
        assert mail.outbox == []  # nothing waits for review

    def test_a_curator_who_is_not_a_reviewer_cannot_use_minor_edit(self, live, curator):
        with pytest.raises(ApplicationError, match="Only a reviewer can publish a minor edit"):
            edit(live, curator, body=NEW_BODY, minor_edit=True)
        live.refresh_from_db()
        assert (live.body, live.version) == (OLD_BODY, 1)
        assert services.pending_edit_of(live) is None

    def test_a_curator_cannot_publish_the_edit(self, live, curator):
        edit(live, curator, body=NEW_BODY)
        with pytest.raises(ApplicationError, match="Only a reviewer"):
            services.article_edit_publish(article=live, reviewer=curator)

    def test_saving_over_another_curators_newer_edit_is_refused(
        self, live, curator, other_curator
    ):
        edit(live, curator, body=NEW_BODY)
        with pytest.raises(ApplicationError, match="Not saved: curator saved an edit"):
            services.article_edit_published(
                article=live, editor=other_curator, expected_version=1, expected_edit=None,
                body="## Fix\n\nfrom curator2",
            )
        assert services.pending_edit_of(live).body == NEW_BODY

    def test_publishing_an_edit_written_on_an_older_version_is_refused(
        self, live, curator, reviewer
    ):
        edit(live, curator, body=NEW_BODY)
        services.article_update(  # e.g. a learned phrase promoted meanwhile
            article=live, editor=reviewer, expected_version=1, symptoms="Handshake failed",
        )
        with pytest.raises(ApplicationError, match="changed to version 2"):
            services.article_edit_publish(article=live, reviewer=reviewer)
        assert Article.objects.get(pk=live.pk).body == OLD_BODY

    def test_rolling_back_a_published_article_waits_for_review(
        self, live, curator, reviewer
    ):
        services.article_update(article=live, editor=reviewer, expected_version=1, body="v2")
        services.article_rollback(
            article=live, revision=live.revisions.get(version=1), editor=curator,
            expected_version=2,
        )
        assert Article.objects.get(pk=live.pk).body == "v2"
        assert services.pending_edit_of(live).body == OLD_BODY

    def test_a_draft_still_saves_directly(self, problems, curator):
        draft = make_article(status=Article.Status.DRAFT, body=OLD_BODY)
        services.article_update(article=draft, editor=curator, expected_version=1,
                                body=NEW_BODY)
        draft.refresh_from_db()
        assert (draft.body, draft.version) == (NEW_BODY, 2)


class TestPendingEditsInAdmin:
    def test_saving_a_published_article_says_the_edit_waits_for_review(
        self, client, live, curator
    ):
        client.force_login(curator)
        response = client.post(change_url(live), form_data(live, body=NEW_BODY), follow=True)
        html = response.content.decode()
        assert "Your edit is waiting for review; readers still see version 1." in html
        assert "was changed successfully" not in html
        live.refresh_from_db()
        assert (live.body, live.version) == (OLD_BODY, 1)
        # The form goes on with the edit, not the published text.
        assert "quokkaport" in client.get(change_url(live)).content.decode()

    def test_the_reviewer_sees_the_diff_and_publishes(
        self, client, live, curator, reviewer, django_capture_on_commit_callbacks
    ):
        edit(live, curator, body=NEW_BODY)
        client.force_login(reviewer)
        html = client.get(change_url(live)).content.decode()
        assert '<span class="del">-Open port 1935 on the firewall.</span>' in html
        assert "Publish the edit" in html
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:articles_article_workflow", args=[live.pk, "publish-edit"]),
                follow=True,
            )
        assert "The edit is published" in response.content.decode()
        live.refresh_from_db()
        assert (live.body, live.version) == (NEW_BODY, 2)

    def test_the_reviewer_returns_the_edit_with_a_note(
        self, client, live, curator, reviewer, django_capture_on_commit_callbacks
    ):
        edit(live, curator, body=NEW_BODY)
        client.force_login(reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("admin:articles_article_workflow", args=[live.pk, "return-edit"]),
                {"note": "Say which protocol needs 443."},
            )
        client.force_login(curator)
        html = client.get(change_url(live)).content.decode()
        assert "Say which protocol needs 443." in html
        assert "quokkaport" in html  # the returned edit is in the form, to be fixed
        assert [m.to for m in mail.outbox] == [["curator@example.com"]]

    def test_a_second_curator_saving_over_a_newer_edit_keeps_their_form_and_is_told(
        self, client, live, curator, other_curator
    ):
        stale_form = form_data(live, body="## Fix\n\nfrom curator2")
        client.force_login(curator)
        client.post(change_url(live), form_data(live, body=NEW_BODY))
        client.force_login(other_curator)
        response = client.post(change_url(live), stale_form)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Not saved: curator saved an edit of this article" in html
        assert "from curator2" in html  # their text is still in the form
        assert services.pending_edit_of(live).body == NEW_BODY

    def test_reviewers_find_the_articles_with_an_edit_waiting(
        self, client, live, curator, reviewer
    ):
        other = make_article(title="Untouched capybara article")
        edit(live, curator, body=NEW_BODY)
        client.force_login(reviewer)
        html = client.get(
            reverse("admin:articles_article_changelist") + "?edit=waiting"
        ).content.decode()
        assert live.title in html
        assert other.title not in html

    def test_reviewers_publish_the_waiting_edits_from_the_list(
        self, client, live, curator, reviewer
    ):
        edit(live, curator, body=NEW_BODY)
        client.force_login(reviewer)
        response = client.post(reverse("admin:articles_article_changelist"), {
            "action": "action_publish_edits", "_selected_action": [live.pk],
        }, follow=True)
        assert "The edit is published" in response.content.decode()
        assert Article.objects.get(pk=live.pk).body == NEW_BODY

    def test_a_curators_minor_edit_of_a_published_article_is_refused_in_the_form(
        self, client, live, curator
    ):
        client.force_login(curator)
        response = client.post(
            change_url(live), form_data(live, body=NEW_BODY, minor_edit="on")
        )
        assert response.status_code == 200
        assert "Only a reviewer can publish a minor edit" in response.content.decode()
        assert services.pending_edit_of(live) is None

    def test_a_reviewers_minor_edit_in_the_form_is_published(self, client, live, reviewer):
        client.force_login(reviewer)
        response = client.post(
            change_url(live), form_data(live, body=NEW_BODY, minor_edit="on"), follow=True
        )
        assert "Published as a minor edit: readers now see version 2." in (
            response.content.decode()
        )
        assert Article.objects.get(pk=live.pk).body == NEW_BODY


class TestReturnedDraft:
    def test_the_owner_of_a_returned_draft_is_emailed_with_a_full_link(
        self, problems, curator, reviewer, django_capture_on_commit_callbacks
    ):
        draft = make_article(author=curator, status=Article.Status.IN_REVIEW)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_return_to_draft(article=draft, reviewer=reviewer, note="Too long.")
        assert [m.to for m in mail.outbox] == [["curator@example.com"]]
        assert "Too long." in mail.outbox[0].body
        assert f"{SITE}/admin/articles/article/{draft.pk}/change/" in mail.outbox[0].body
