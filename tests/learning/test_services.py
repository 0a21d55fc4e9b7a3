import datetime as dt

import pytest
from django.core import mail

from kb.articles import services as article_services
from kb.articles.models import Article
from kb.learning import effectiveness, gaps, health, services
from kb.learning.models import (
    ArticleEffectiveness,
    ContentFlag,
    KnowledgeGap,
    LearnedPhrase,
    TicketLearning,
    WizardFix,
)
from kb.search.boosts import article_success_rates
from kb.search.services import search_articles
from kb.tickets import services as tickets
from kb.tickets.models import Ticket
from tests.factories import make_article
from tests.learning.conftest import SIMILAR

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(TicketLearning.objects.values_list("ticket_id", "link", "digest", "gap_id")),
        sorted(ArticleEffectiveness.objects.values_list(
            "article_id", "problem_code", "tickets_resolved", "tickets_reopened",
            "success_rate")),
        sorted(LearnedPhrase.objects.values_list("article_id", "key", "ticket_count")),
        sorted(KnowledgeGap.objects.values_list("pk", "size", "draft_article_id")),
        Article.objects.count(),
    )


class TestLink:
    def test_closed_ticket_records_existing_new_or_no_article(self, close_ticket, problems):
        old = make_article(title="Old fix")
        Article.objects.filter(pk=old.pk).update(
            published_at=old.published_at - dt.timedelta(days=30))
        existing = close_ticket(subject="Cannot push", article=old)
        later = close_ticket(subject="Cannot push either", learn=False)
        newer = make_article(title="Newer fix")  # published after the ticket opened
        later.articles.add(newer)
        services.learn_from_ticket(ticket_id=later.pk)
        none = close_ticket(subject="Something odd", summary="Restarted the edge.")
        links = dict(TicketLearning.objects.values_list("ticket_id", "link"))
        assert links == {existing.pk: "existing", later.pk: "new", none.pk: "none"}

    def test_close_queues_learning_after_commit(self, support, close_ticket,
                                                django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = close_ticket(subject="Cannot push", summary="Fixed it", learn=False)
        assert TicketLearning.objects.filter(ticket=ticket, link="none").exists()


class TestIdempotency:
    def test_learning_twice_from_the_same_close_changes_nothing(self, close_ticket, problems):
        article = make_article(problems=[problems["push.connect-refused"]])
        for n in range(3):
            close_ticket(subject=f"OBS cannot reach the ingest {n}", article=article,
                         problems=[problems["push.connect-refused"]],
                         description='OBS shows "the handshake was rejected by the venue '
                                     'gateway". We retried.')
        for _ in range(3):
            close_ticket(subject="Ad markers vanish after the break",
                         description="SCTE-35 cue markers dropped at the ad break.",
                         summary="Enabled SCTE passthrough.")
        before = _snapshot()
        for learning in TicketLearning.objects.all():
            assert services.learn_from_ticket(ticket_id=learning.ticket_id) == "unchanged"
        # Even a forced re-run of the whole pipeline adds nothing.
        TicketLearning.objects.update(digest="")
        for learning in TicketLearning.objects.all():
            services.learn_from_ticket(ticket_id=learning.ticket_id)
        after = _snapshot()
        assert [row[:2] + row[3:] for row in after[0]] == [row[:2] + row[3:]
                                                          for row in before[0]]
        assert after[1:] == before[1:]


class TestEffectiveness:
    def test_counts_resolutions_reopenings_votes_and_wizard_fixes(self, close_ticket,
                                                                   problems, support):
        code = problems["push.connect-refused"]
        article = make_article(problems=[code])
        first = close_ticket(subject="Cannot connect", article=article, problems=[code])
        close_ticket(subject="Cannot connect again", article=article)
        tickets.ticket_reopen(ticket=first, actor=support["requester"], reason="Still broken")
        services.learn_from_ticket(ticket_id=first.pk)
        article_services.feedback_create(article=article, helpful=True)
        effectiveness.effectiveness_record_wizard_fix(article=article, session_ref="w-1",
                                                 problem_code=code.code)
        effectiveness.effectiveness_record_wizard_fix(article=article, session_ref="w-1",
                                                 problem_code=code.code)  # same session
        overall = ArticleEffectiveness.objects.get(article=article, problem_code="")
        assert (overall.tickets_resolved, overall.tickets_reopened, overall.wizard_fixes,
                overall.helpful_votes) == (1, 1, 1, 1)
        per_code = ArticleEffectiveness.objects.get(article=article, problem_code=code.code)
        assert (per_code.tickets_resolved, per_code.tickets_reopened,
                per_code.wizard_fixes) == (0, 1, 1)
        assert WizardFix.objects.count() == 1
        # Counting close by close arrives where counting from the facts does.
        counted = _snapshot()[1]
        effectiveness.effectiveness_recompute(article_ids=[article.pk])
        assert _snapshot()[1] == counted

    def test_closing_again_after_a_reopen_counts_both(self, close_ticket, support):
        article = make_article()
        ticket = close_ticket(subject="Cannot connect", article=article)
        tickets.ticket_reopen(ticket=ticket, actor=support["requester"], reason="Again")
        engineer = support["engineer"]
        tickets.ticket_acknowledge(ticket=ticket, actor=engineer)
        tickets.ticket_resolve(ticket=ticket, actor=engineer, article=article)
        tickets.ticket_close(ticket=ticket, actor=engineer)
        assert services.learn_from_ticket(ticket_id=ticket.pk) == "learned"
        row = ArticleEffectiveness.objects.get(article=article, problem_code="")
        assert (row.tickets_resolved, row.tickets_reopened) == (1, 1)


class TestSmoothing:
    def test_an_unjudged_article_sits_at_the_prior(self, db):
        article = make_article()
        assert article_success_rates([article.pk]) == {article.pk: effectiveness.PRIOR_MEAN}

    def test_one_vote_does_not_dominate(self, db, django_capture_on_commit_callbacks):
        liked, disliked = make_article(), make_article()
        with django_capture_on_commit_callbacks(execute=True):
            article_services.feedback_create(article=liked, helpful=True)
            article_services.feedback_create(article=disliked, helpful=False)
        rates = article_success_rates([liked.pk, disliked.pk])
        assert effectiveness.PRIOR_MEAN < rates[liked.pk] < 0.75
        assert 0.45 < rates[disliked.pk] < effectiveness.PRIOR_MEAN

    def test_many_successes_beat_a_few(self, db):
        assert effectiveness.smoothed_success_rate(successes=50, failures=2) > \
            effectiveness.smoothed_success_rate(successes=3, failures=0)

    def test_search_prefers_the_fix_that_works_among_equal_matches(
            self, db, build_index, django_capture_on_commit_callbacks):
        # The worse fix comes first in the index, so only the votes (which
        # reach the success rates after their commit) can put the better first.
        bad = make_article(title="Stream key rejected", slug="b-bad")
        good = make_article(title="Stream key rejected", slug="a-good")
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(6):
                article_services.feedback_create(article=bad, helpful=False)
                article_services.feedback_create(article=good, helpful=True)
        build_index()
        hits = search_articles(text="stream key rejected", language="en", record=False).hits
        assert [h.slug for h in hits[:2]] == ["a-good", "b-bad"]


class TestLearnedPhrases:
    PHRASING = "venue gateway handshake rejected"

    def test_customer_phrasing_finds_the_article_after_a_few_closes(
            self, close_ticket, build_index, django_capture_on_commit_callbacks):
        article = make_article(title="Encoder cannot connect: connection refused")
        make_article(title="Viewers buffering", symptoms=["the player keeps spinning"])
        build_index()
        before = search_articles(text=self.PHRASING, language="en", record=False).hits
        assert article.slug not in [h.slug for h in before]
        for n in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                close_ticket(subject=f"Live event {n} will not start", article=article,
                             description=f'Our encoder says "{self.PHRASING}" at the venue.')
        phrase = LearnedPhrase.objects.get(article=article, key=self.PHRASING)
        assert (phrase.kind, phrase.ticket_count) == ("error", 3)
        after = search_articles(text=self.PHRASING, language="en", record=False).hits
        assert after[0].slug == article.slug

    def test_curated_symptoms_are_not_learned_again(self, close_ticket):
        article = make_article(symptoms=["Failed to connect to server"])
        close_ticket(subject="Push fails", article=article,
                     description='OBS says "Failed to connect to server".')
        assert not LearnedPhrase.objects.filter(key="failed to connect to server").exists()

    def test_curator_promotes_a_phrase_to_the_symptoms_with_a_revision(
            self, close_ticket, curator):
        article = make_article()
        for _ in range(2):
            close_ticket(subject="x", article=article,
                         description='It says "venue gateway handshake rejected".')
        phrase = LearnedPhrase.objects.get(key="venue gateway handshake rejected")
        services.learned_phrase_promote(phrase=phrase, actor=curator)
        article.refresh_from_db()
        assert "venue gateway handshake rejected" in article.symptom_list
        assert article.revisions.first().note.startswith("promoted learned phrase")
        phrase.refresh_from_db()
        assert phrase.status == "promoted"

    def test_a_removed_phrase_leaves_the_search_document(self, close_ticket, curator):
        from kb.learning.selectors import searchable_learned_phrases

        article = make_article()
        for _ in range(2):
            close_ticket(subject="x", article=article,
                         description='It says "venue gateway handshake rejected".')
        assert "venue gateway handshake rejected" in searchable_learned_phrases(
            [article.pk])[article.pk]
        phrase = LearnedPhrase.objects.get(key="venue gateway handshake rejected")
        services.learned_phrase_remove(phrase=phrase, actor=curator)
        assert "venue gateway handshake rejected" not in searchable_learned_phrases(
            [article.pk]).get(article.pk, [])


    def test_a_ticket_learned_again_no_longer_vouches_for_what_it_stopped_saying(
            self, close_ticket):
        from kb.learning.selectors import searchable_learned_phrases

        article = make_article()
        filed = [close_ticket(subject="x", article=article,
                              description='It says "venue gateway handshake rejected".')
                 for _ in range(2)]
        assert "venue gateway handshake rejected" in searchable_learned_phrases(
            [article.pk])[article.pk]
        # What learning reads of a ticket changed (its digest with it): the
        # ticket is learned again, and its old phrase loses it as a source.
        Ticket.objects.filter(pk=filed[0].pk).update(description="The venue's line is fine.")
        assert services.learn_from_ticket(ticket_id=filed[0].pk) == "learned"
        phrase = LearnedPhrase.objects.get(key="venue gateway handshake rejected")
        assert list(phrase.tickets.values_list("pk", flat=True)) == [filed[1].pk]
        assert phrase.ticket_count == 1
        assert "venue gateway handshake rejected" not in searchable_learned_phrases(
            [article.pk]).get(article.pk, [])
        # Learning it once more changes nothing.
        assert services.learn_from_ticket(ticket_id=filed[0].pk) == "unchanged"
        assert LearnedPhrase.objects.get(pk=phrase.pk).ticket_count == 1


    def test_a_replay_relearns_a_changed_ticket_and_drops_its_old_phrase(self, close_ticket):
        from kb.learning.selectors import searchable_learned_phrases

        article = make_article()
        filed = [close_ticket(subject="x", article=article,
                              description='It says "venue gateway handshake rejected".')
                 for _ in range(2)]
        Ticket.objects.filter(pk=filed[0].pk).update(description="The venue's line is fine.")
        report = services.learn_replay()
        assert report.outcome == {filed[0].pk: "learned", filed[1].pk: "unchanged"}
        assert LearnedPhrase.objects.get(key="venue gateway handshake rejected").ticket_count == 1
        assert "venue gateway handshake rejected" not in searchable_learned_phrases(
            [article.pk]).get(article.pk, [])


class TestKnowledgeGaps:
    def test_three_similar_tickets_without_an_article_become_a_gap_with_a_draft(
            self, close_ticket):
        for subject, description, summary in SIMILAR:
            close_ticket(subject=subject, description=description, summary=summary)
        gap = KnowledgeGap.objects.get(kind="tickets")
        assert gap.size == 3 and gap.status == "open"
        draft = gap.draft_article
        assert draft.status == Article.Status.DRAFT
        headings = [line for line in draft.body.splitlines() if line.startswith("## ")]
        assert headings == ["## Symptoms", "## How to confirm", "## Fix",
                            "## Verify the fix", "## When to escalate"]
        assert "SCTE-35 passthrough" in draft.body

    def test_two_similar_tickets_are_not_a_gap_yet(self, close_ticket):
        for subject, description, summary in SIMILAR[:2]:
            close_ticket(subject=subject, description=description, summary=summary)
        assert not KnowledgeGap.objects.exists()

    def test_unrelated_tickets_are_not_grouped(self, close_ticket):
        close_ticket(subject=SIMILAR[0][0], description=SIMILAR[0][1], summary=SIMILAR[0][2])
        close_ticket(subject="Invoice address wrong", description="Please change the "
                     "billing address on our invoice.", summary="Changed it.")
        close_ticket(subject="Chinese subtitles garbled", description="Subtitle track "
                     "shows mojibake in the player.", summary="Set UTF-8 on the WebVTT file.")
        assert not KnowledgeGap.objects.exists()

    def test_a_fourth_similar_ticket_joins_the_gap(self, close_ticket):
        for subject, description, summary in [*SIMILAR, SIMILAR[0]]:
            close_ticket(subject=subject, description=description, summary=summary)
        assert KnowledgeGap.objects.get().size == 4

    def test_publishing_the_draft_closes_the_gap_and_links_the_tickets(
            self, close_ticket, curator, reviewer, django_capture_on_commit_callbacks):
        closed = [close_ticket(subject=s, description=d, summary=r) for s, d, r in SIMILAR]
        gap = KnowledgeGap.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            article_services.article_submit_for_review(article=gap.draft_article,
                                                       actor=curator)
        with django_capture_on_commit_callbacks(execute=True):
            article_services.article_publish(article=gap.draft_article, reviewer=reviewer)
        gap.refresh_from_db()
        assert gap.status == "closed" and gap.closed_at is not None
        for ticket in closed:
            assert list(ticket.articles.all()) == [gap.draft_article]
        assert set(TicketLearning.objects.values_list("link", flat=True)) == {"new"}
        assert ArticleEffectiveness.objects.get(article=gap.draft_article,
                                                problem_code="").tickets_resolved == 3

    def test_frequent_searches_without_result_join_the_gaps(self, db):
        from kb.search.models import SearchQuery

        for _ in range(3):
            SearchQuery.objects.create(query="srt latency zebra", normalized="srt latency zebra",
                                       language="en", result_count=0)
        SearchQuery.objects.create(query="rare", normalized="rare", language="en",
                                   result_count=0)
        # An account question is support's, not a missing fix.
        for _ in range(3):
            SearchQuery.objects.create(query="怎么开发票", normalized="怎么开发票",
                                       language="zh-hans", result_count=0)
        assert gaps.search_gaps_sync() == 1
        gap = KnowledgeGap.objects.get(kind="search")
        assert (gap.title, gap.searches) == ("srt latency zebra", 3)
        gaps.search_gaps_sync()
        assert KnowledgeGap.objects.filter(kind="search").count() == 1


class TestContentHealth:
    def test_reopened_fix_is_flagged_and_its_owner_told_once(self, close_ticket, support,
                                                             curator,
                                                             django_capture_on_commit_callbacks):
        article = make_article(owner=curator)
        closed = [close_ticket(subject=f"t{n}", article=article) for n in range(3)]
        with django_capture_on_commit_callbacks(execute=True):
            for ticket in closed[:2]:
                tickets.ticket_reopen(ticket=ticket, actor=support["requester"],
                                      reason="Broken again")
                services.learn_from_ticket(ticket_id=ticket.pk)
        flag = ContentFlag.objects.get(article=article)
        assert flag.reason == "reopened" and flag.notified_at is not None
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["curator@example.com"]
        assert "reopened" in mail.outbox[0].body
        with django_capture_on_commit_callbacks(execute=True):
            health.content_health_check(article_ids=[article.pk])
        assert len(mail.outbox) == 1

    def test_unhelpful_and_stale_articles_are_flagged(self, db):
        unhelpful = make_article()
        stale = make_article(last_verified=dt.date(2020, 1, 1))
        for _ in range(5):
            article_services.feedback_create(article=unhelpful, helpful=False)
        effectiveness.effectiveness_recompute(article_ids=[unhelpful.pk, stale.pk])
        health.content_health_check()
        reasons = set(ContentFlag.objects.values_list("article_id", "reason"))
        assert (unhelpful.pk, "unhelpful") in reasons
        assert (stale.pk, "stale") in reasons

    def test_flag_clears_when_the_article_is_verified(self, db, curator):
        stale = make_article(last_verified=dt.date(2020, 1, 1))
        health.content_health_check()
        article_services.article_mark_verified(article=stale, actor=curator)
        health.content_health_check()
        assert ContentFlag.objects.get(article=stale).resolved_at is not None
