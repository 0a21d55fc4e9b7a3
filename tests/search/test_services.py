import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.articles import services as article_services
from kb.articles.models import Article
from kb.search import store
from kb.search.indexing import index_article, index_rebuild
from kb.search.models import SearchQuery, Synonym
from kb.search.selectors import search_gap_list
from kb.search.services import search_articles, search_record_click
from kb.search.synonyms import synonyms_reload
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def top(text, language="en", **kwargs):
    results = search_articles(text=text, language=language, record=False, **kwargs)
    return results, [hit.slug for hit in results.hits]


class TestFindingTheFix:
    def test_symptom_in_customer_words_finds_the_fix(self, kb_articles, build_index):
        build_index()
        _, slugs = top("viewers buffer but my preview is fine")
        assert slugs[0] == "viewers-buffering"

    def test_exact_error_string_ranks_the_article_that_quotes_it(self, kb_articles, build_index):
        build_index()
        _, slugs = top("Already publishing")
        assert slugs[0] == "push-already-publishing"
        _, slugs = top('"Failed to connect to server"')
        assert slugs[0] == "push-connection-refused"

    @pytest.mark.parametrize("text", [
        "OBS says Failed to connect to server. Tried many times from the office network, "
        "from home it works",
        "ffmpeg: Failed to connect to server; tried many times from the office network",
        "OBS一直弹 Failed to connect to server 在公司网络试了很多次，在家就可以",
        # The message runs on into the customer's words, in one sentence.
        "OBS says Failed to connect to server as soon as we try many times from the office "
        "network and at home it works",
        "Failed to connect to server every time we tried from the office network, at home it "
        "works",
        # In Chinese, after the tool's name and before a sentence of its own.
        "OBS Failed to connect to server. Tried many times 在公司网络试了很多次，在家就可以",
        # One short line: the message, then keywords (kb.search.messages).
        "Failed to connect to server obs office network tried many times",
    ])
    def test_an_error_message_in_the_middle_of_a_message_ranks_the_article_quoting_it(
            self, problems, build_index, text):
        make_article(problems=[problems["push.connect-refused"]], slug="connection-refused",
                     title="Encoder cannot connect", symptoms=["Failed to connect to server"],
                     body="Port 1935 is blocked.")
        # Shares every word of the message but not the message, and the rest.
        make_article(problems=[problems["net.udp-blocked"]], slug="udp-blocked",
                     title="SRT fails on the office network, works from home",
                     symptoms=["The office network blocks it; tried many times, at home it works",
                               "在公司网络试了很多次都不行，在家就可以"],
                     body="The connection to the server failed. OBS cannot connect.")
        build_index()
        assert top(text)[1][0] == "connection-refused"

    def test_an_error_code_name_ranks_the_article_quoting_it(self, problems, build_index):
        make_article(problems=[problems["net.cross-border-interference"]], slug="resets",
                     title="Viewers in one country cannot play",
                     symptoms=["net::ERR_CONNECTION_RESET"],
                     body="A filter resets the TCP connection.")
        # Every word of the code name, but not the name.
        make_article(problems=[problems["play.browser-policy"]], slug="browser-policy",
                     title="Event page player blocked for viewers",
                     symptoms=["net::ERR_BLOCKED_BY_CLIENT: the connection was reset, the error "
                               "shows on the event page"],
                     body="The browser blocks the connection.")
        build_index()
        assert top("viewers get ERR_CONNECTION_RESET on the event page")[1][0] == "resets"

    def test_chinese_keyword_finds_the_chinese_fix(self, kb_articles, build_index):
        build_index()
        results, slugs = top("防盗链", language="zh-hans")
        assert slugs[0] == "playback-403-forbidden"
        assert results.hits[0].lang == "zh-hans"

    def test_mixed_language_query(self, kb_articles, build_index):
        build_index()
        _, slugs = top("obs 推流 Failed to connect", language="zh-hans")
        assert slugs[0] == "push-connection-refused"

    def test_snippet_highlights_matched_words_and_escapes_html(self, problems, build_index):
        make_article(symptoms=["<script>x</script> buffering forever"], title="Buffering fix")
        build_index()
        results, _ = top("buffering")
        assert "<mark>buffering</mark>" in results.hits[0].snippet
        assert "<script>" not in results.hits[0].snippet


class TestLanguages:
    def test_readers_language_is_shown_with_a_link_to_the_other(self, kb_articles, build_index):
        build_index()
        results, slugs = top("Failed to connect to server", language="zh-hans")
        assert slugs.count("push-connection-refused") == 1
        hit = results.hits[0]
        assert hit.lang == "zh-hans"
        assert hit.translation["lang"] == "en"

    def test_other_language_is_still_found(self, kb_articles, build_index):
        build_index()
        results, slugs = top("keyframe interval", language="zh-hans")
        assert slugs[0] == "keyframe-interval-2s"
        assert results.hits[0].lang == "en"

    def test_language_and_area_filters(self, kb_articles, build_index):
        build_index()
        results, _ = top("Failed to connect to server", lang="en")
        assert {hit.lang for hit in results.hits} == {"en"}
        _, slugs = top("buffering keyframe", area="encoder")
        assert slugs == ["keyframe-interval-2s"]


class TestSynonymsAndTypos:
    def test_customers_word_finds_the_engineers_article(self, kb_articles, build_index):
        Synonym.objects.create(terms="keyframe interval, gop, 关键帧间隔")
        build_index()
        _, slugs = top("gop")
        assert slugs[0] == "keyframe-interval-2s"
        _, slugs = top("关键帧间隔 设置多少", language="zh-hans")
        assert slugs[0] == "keyframe-interval-2s"

    def test_synonym_edits_apply_without_restart(self, kb_articles, build_index):
        build_index()
        _, slugs = top("publish blocked")
        assert "push-connection-refused" not in slugs[:1]
        Synonym.objects.create(terms="blocked, refused")
        synonyms_reload()
        _, slugs = top("blocked handshake")
        assert slugs[0] == "push-connection-refused"

    def test_typo_is_corrected_with_did_you_mean(self, kb_articles, build_index):
        build_index()
        results, slugs = top("conection refused")
        assert results.suggestion == "connection refused"
        assert slugs[0] == "push-connection-refused"

    def test_two_letters_typed_in_the_wrong_order_are_one_slip(self, kb_articles, build_index):
        # "refsued" is two edits from "refused", and one slip of the fingers.
        build_index()
        results, slugs = top("connection refsued")
        assert results.suggestion == "connection refused"
        assert slugs[0] == "push-connection-refused"

    def test_chinese_typo_is_corrected(self, kb_articles, build_index):
        build_index()
        results, slugs = top("防盗连", language="zh-hans")
        assert results.suggestion == "防盗链"
        assert slugs[0] == "playback-403-forbidden"

    def test_a_typographic_apostrophe_finds_the_same_word(self, kb_articles, problems,
                                                           build_index):
        # What macOS and iOS type, and Apple's errors print: "couldn’t" was
        # read as "couldn" and "t", found nothing, and "did you mean"
        # offered "could’t".
        make_article(problems=[problems["push.connect-refused"]], slug="cannot-reach",
                     title="The encoder couldn't reach the ingest",
                     body="It could retry, and it did.")
        build_index()
        typographic, slugs = top("couldn’t")
        typewriter, same_slugs = top("couldn't")
        assert typographic.suggestion is None
        assert slugs[0] == "cannot-reach"
        assert slugs == same_slugs

    def test_a_word_finds_the_articles_that_write_another_form_of_it(
            self, kb_articles, problems, build_index):
        # "keeps dropping" and "lagging" were "dropp" and "lagg", never the
        # "drops" and "lag" the articles write.
        make_article(problems=[problems["push.periodic-disconnect"]],
                     slug="push-periodic-disconnect",
                     title="Push drops at regular intervals", summary="A timer cuts the push.",
                     symptoms=["The stream drops every 60 minutes"],
                     body="## Symptoms\n\nOBS shows lag, then the push drops.")
        build_index()
        for typed in ("stream keeps dropping", "dropped every hour", "lagging then dropping"):
            _, slugs = top(typed)
            assert slugs[:1] == ["push-periodic-disconnect"], typed

    def test_a_name_with_its_domain_finds_the_article_that_writes_the_name(
            self, kb_articles, problems, build_index):
        make_article(problems=[problems["push.restream-relay"]], slug="restream-relay-failures",
                     title="Relaying to YouTube or Twitch fails",
                     body="Restream services and our relay push to every destination.")
        build_index()
        for typed in ("restream.io", "live.twitch.tv keeps failing"):
            results, slugs = top(typed)
            assert slugs[:1] == ["restream-relay-failures"], typed
            assert results.suggestion is None  # not a typo: nothing to correct

    def test_full_width_letters_find_what_ascii_finds(self, kb_articles, build_index):
        # A Chinese input method in full-width mode (全角) types ｃｏｎｎｅｃｔｉｏｎ.
        build_index()
        full_width, slugs = top("ＯＢＳ ｃｏｎｎｅｃｔｉｏｎ ｒｅｆｕｓｅｄ", language="zh-hans")
        ascii_typed, same_slugs = top("OBS connection refused", language="zh-hans")
        assert slugs[0] == "push-connection-refused"
        assert slugs == same_slugs
        assert full_width.query == "OBS connection refused"

    def test_correct_query_gets_no_suggestion_and_no_fuzzy_flood(self, kb_articles, build_index):
        build_index()
        results, slugs = top("Already publishing")
        assert results.suggestion is None
        # Only articles that contain the words ("publisher" stems to publish);
        # nothing merely spelled alike.
        assert slugs == ["push-already-publishing", "viewers-buffering"]


class TestLongMessages:
    def test_names_no_article_has_do_not_crowd_out_the_telling_words(self, kb_articles,
                                                                     build_index):
        # Only the rarest words of a long message are scored; a name no article
        # has is rarer than any, but it has nothing to find.
        build_index()
        names = ("Jakarta Lagos Lima Dubai Doha Riyadh Nairobi Accra Quito Bogota Manila "
                 "Hanoi Osaka Perth")
        _, slugs = top(f"our crews in {names} all see it: Already publishing")
        assert slugs[:1] == ["push-already-publishing"]


class TestWeakMatches:
    def test_a_question_the_articles_do_not_cover_is_weak(self, kb_articles, build_index):
        build_index()
        results, _ = top("how do I get an invoice and a refund for last month")
        assert results.weak
        results, _ = top("发票 退款", language="zh-hans")
        assert results.weak and not results.hits

    def test_an_account_question_is_weak_however_well_its_words_match(self, kb_articles,
                                                                        build_index):
        build_index()
        results, slugs = top("invoice for the encoder port 1935")
        assert results.account_question and results.weak
        assert slugs[0] == "push-connection-refused"
        # The recent-results cache keeps the ranking's answer, not the flag.
        results, _ = top("encoder port 1935")
        assert not results.account_question and not results.weak

    def test_a_question_about_using_a_feature_is_weak_and_named_so(self, kb_articles,
                                                                     build_index):
        build_index()
        results, _ = top("how to add a watermark to the encoder stream")
        assert results.feature_question and results.weak
        assert not results.account_question
        results, _ = top("直播怎么加水印", language="zh-hans")
        assert results.feature_question and results.weak
        # A streaming problem with a feature's word in it is no such question.
        results, _ = top("encoder connection refused after adding a watermark")
        assert not results.feature_question

    def test_a_real_match_is_not(self, kb_articles, build_index):
        build_index()
        for text in ("Already publishing", "viewers buffer but my preview is fine", "防盗链"):
            results, _ = top(text, language="zh-hans")
            assert not results.weak, text
            assert 0.3 <= results.confidence <= 1.0

    def test_a_long_message_naming_places_no_article_has_is_not_weak(self, kb_articles,
                                                                     build_index):
        # Cities, a venue and an encore are in no article: only the first two
        # such words count against the match, as for an uncovered question.
        build_index()
        results, slugs = top("viewers buffer but my preview is fine, fans in Jakarta, Dubai, "
                             "Lagos and Lima say so during the encore")
        assert slugs[0] == "viewers-buffering"
        assert not results.weak
        # An uncovered question stays weak, however many words it has.
        results, _ = top("which tripod and lens should we buy for the Jakarta and Dubai "
                         "shows before the encore")
        assert results.weak
        assert not (results.account_question or results.feature_question)

    def test_a_suggestion_is_offered_only_when_it_finds_as_much(self):
        from kb.search.services import _Ranked, _suggestion_is_better

        def ranked(*scores, ideal=10.0):
            return _Ranked(built=None, found=[type("Doc", (), {"score": s})() for s in scores],
                           ideal=ideal)

        typed = ranked(6.0, 4.0)
        assert _suggestion_is_better(typed, ranked(8.0, 5.0, 4.0))
        assert not _suggestion_is_better(typed, ranked(5.0, 4.0, 4.0))  # a weaker best
        assert not _suggestion_is_better(typed, ranked(9.0))  # fewer confident results
        assert not _suggestion_is_better(typed, ranked())


class TestReferencePages:
    def test_a_page_linking_to_many_fixes_ranks_below_a_fix(self, problems, build_index):
        links = " ".join(f"[fix {n}](kb:fix-{n})" for n in range(14))
        reference = make_article(slug="console-reference", title="Console paths and codes",
                                 symptoms=["Where is the stream list?", "error 40901"],
                                 body=f"## Symptoms\n\nStream list, error 40901. {links}")
        fix = make_article(slug="already-publishing", title="Push refused: error 40901",
                           symptoms=["error 40901"], body="## Symptoms\n\nerror 40901")
        build_index()
        from kb.search.documents import REFERENCE_WEIGHT, article_weight

        assert article_weight(reference) == REFERENCE_WEIGHT and article_weight(fix) == 1.0
        _, slugs = top("error 40901")
        assert slugs[:2] == ["already-publishing", "console-reference"]


HOSTILE = [
    '"unbalanced quote', "AND OR NOT (", "title:*", "*:*", "a~2 b^3 [x TO y]", "((((", "🙂🎥📡",
    "\x00\x01\x02 control", "select * from articles; --", "推流" * 300,
    "[rtmp stream: 'adv_stream'] Connection to rtmp://x failed: -2\n" * 200,
]


class TestAnyInput:
    @pytest.mark.parametrize("text", HOSTILE)
    def test_odd_input_is_searched_in_the_index_without_an_error(
        self, kb_articles, build_index, text, caplog
    ):
        build_index()
        results = search_articles(text=text, language="en")
        # Answered by the index, not by the database fallback after an error.
        assert results.fallback is False
        assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    def test_long_paste_is_truncated_with_notice(self, kb_articles, build_index):
        build_index()
        results = search_articles(text="Failed to connect to server\n" * 500, language="en")
        assert results.truncated is True
        assert results.hits[0].slug == "push-connection-refused"

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=st.text(max_size=600))
    def test_arbitrary_text_is_searched_in_the_index(self, kb_articles, build_index, text):
        if not store.current_generation_dir():
            build_index()
        results = search_articles(text=text, language="zh-hans", record=False)
        assert results.fallback is False


class TestIndexFollowsTheDatabase:
    def test_publishing_editing_and_archiving_update_the_index(
        self, problems, reviewer, curator, build_index, django_capture_on_commit_callbacks
    ):
        build_index()
        article = make_article(status=Article.Status.IN_REVIEW, title="Quokka stream fix")
        assert top("quokka")[1] == []
        with django_capture_on_commit_callbacks(execute=True):
            article_services.article_publish(article=article, reviewer=reviewer)
        assert top("quokka")[1] == [article.slug]
        with django_capture_on_commit_callbacks(execute=True):
            article_services.article_update(article=article, editor=curator,
                                            expected_version=1, title="Wombat stream fix")
        assert top("wombat")[1] == [article.slug]
        assert top("quokka")[1] == []
        with django_capture_on_commit_callbacks(execute=True):
            article_services.article_archive(article=Article.objects.get(pk=article.pk),
                                             actor=curator)
        assert top("wombat")[1] == []

    @pytest.mark.whoosh
    def test_index_task_is_queued_only_after_commit(
        self, problems, reviewer, build_index, django_capture_on_commit_callbacks
    ):
        build_index()
        article = make_article(status=Article.Status.IN_REVIEW, title="Platypus fix")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            article_services.article_publish(article=article, reviewer=reviewer)
        assert top("platypus")[1] == []
        for callback in callbacks:
            callback()
        assert top("platypus")[1] == [article.slug]

    def test_indexing_twice_changes_nothing(self, kb_articles, build_index):
        build_index()
        article = kb_articles["duplicate"]
        assert index_article(article_id=article.pk) == "indexed"
        assert index_article(article_id=article.pk) == "indexed"
        assert top("Already publishing")[1][0] == "push-already-publishing"

    def test_missing_index_falls_back_to_the_database(self, kb_articles, settings):
        assert store.current_generation_dir() is None
        results = search_articles(text="publishing", language="en")
        assert results.fallback is True
        assert [hit.slug for hit in results.hits] == ["push-already-publishing"]

    @pytest.mark.whoosh
    def test_corrupt_index_is_detected_and_rebuilt(self, kb_articles, build_index):
        build_index()
        live = store.current_generation_dir()
        for segment in live.glob("*.seg"):
            segment.write_bytes(b"garbage")
        for toc in live.glob("*.toc"):
            toc.write_bytes(b"garbage")
        healthy, reason = store.index_health()
        assert healthy is False and reason
        results = search_articles(text="publishing", language="en")  # queues a rebuild
        assert results.fallback is True
        assert store.index_health()[0] is True  # eager tasks ran the rebuild
        assert top("Already publishing")[1][0] == "push-already-publishing"

    @pytest.mark.whoosh
    def test_rebuild_switches_atomically_while_a_searcher_is_open(self, kb_articles,
                                                                  build_index):
        build_index()
        old = store.current_generation_dir()
        assert top("Already publishing")[1][0] == "push-already-publishing"
        index_rebuild()
        assert store.current_generation_dir() != old
        assert not old.exists()
        assert top("Already publishing")[1][0] == "push-already-publishing"


class TestSearchLog:
    def test_search_is_logged_without_personal_data(self, kb_articles, build_index):
        build_index()
        results = search_articles(text="  Nginx   LOGS ", language="en")
        row = SearchQuery.objects.get(pk=results.log_id)
        assert (row.query, row.normalized, row.result_count) == ("Nginx LOGS", "nginx logs", 1)
        fields = {f.name for f in SearchQuery._meta.get_fields()}
        assert not fields & {"ip", "user", "session", "user_agent"}

    def test_click_is_recorded_once(self, kb_articles, build_index):
        build_index()
        results = search_articles(text="Already publishing", language="en")
        article = kb_articles["duplicate"]
        assert search_record_click(log_id=results.log_id, article=article, rank=1) is True
        assert search_record_click(log_id=results.log_id, article=article, rank=2) is False
        row = SearchQuery.objects.get(pk=results.log_id)
        assert (row.clicked_article, row.clicked_rank) == (article, 1)

    def test_gaps_group_unanswered_and_unclicked_searches(self, kb_articles, build_index):
        build_index()
        for text in ("Zebra codec", "zebra   CODEC", "Already publishing"):
            search_articles(text=text, language="en")
        clicked = search_articles(text="Failed to connect to server", language="en")
        search_record_click(log_id=clicked.log_id, article=kb_articles["refused"], rank=1)
        gaps = {row["normalized"]: row for row in search_gap_list()}
        assert gaps["zebra codec"]["searches"] == 2
        assert gaps["zebra codec"]["without_results"] == 2
        assert "already publishing" in gaps  # found, never opened
        assert "failed to connect to server" not in gaps

    def test_account_questions_take_no_place_among_the_gaps_shown(self, db):
        from kb.search.selectors import search_gap_rows

        # Asked most, so first in the list they are taken out of.
        for text in ("invoice for may", "refund please"):
            for _ in range(5):
                SearchQuery.objects.create(query=text, normalized=text, language="en",
                                           result_count=0)
        for text, times in (("zebra codec", 3), ("srt hum", 2)):
            for _ in range(times):
                SearchQuery.objects.create(query=text, normalized=text, language="en",
                                           result_count=0)
        rows = search_gap_rows(limit=2)
        assert [row["normalized"] for row in rows] == ["zebra codec", "srt hum"]


class TestRebuildIndexCommand:
    def test_rebuilds_from_the_database_with_a_count(self, kb_articles, capsys):
        from django.core.management import call_command

        call_command("rebuild_index", "--procs", "1")
        assert "indexed 6 published articles" in capsys.readouterr().out
        assert top("Already publishing")[1][0] == "push-already-publishing"


@pytest.mark.whoosh
class TestOptimize:
    def test_optimizing_drops_deleted_documents_from_the_statistics(self, kb_articles,
                                                                   build_index):
        from kb.search.tasks import optimize_index_task

        build_index()
        for _ in range(3):
            index_article(article_id=kb_articles["duplicate"].pk)
        reader = store.open_index().reader()
        assert reader.doc_count_all() > reader.doc_count()
        optimize_index_task()
        reader = store.open_index().reader()
        assert reader.doc_count_all() == reader.doc_count() == 6


class TestRecentResults:
    def test_a_repeated_search_is_answered_from_memory_and_still_logged(
        self, kb_articles, build_index, monkeypatch
    ):
        build_index()
        first = search_articles(text="Already publishing", language="en")
        monkeypatch.setattr("kb.search.services.build_query",
                            lambda *a, **k: pytest.fail("searched the index again"))
        again = search_articles(text="Already publishing", language="en")
        assert [h.slug for h in again.hits] == [h.slug for h in first.hits]
        assert not again.fallback
        assert again.log_id != first.log_id
        assert SearchQuery.objects.filter(normalized="already publishing").count() == 2

    def test_other_pages_filters_and_languages_are_searched_anew(self, kb_articles,
                                                                  build_index):
        build_index()
        en = search_articles(text="Failed to connect to server", language="en", record=False)
        zh = search_articles(text="Failed to connect to server", language="zh-hans",
                             record=False)
        assert en.hits[0].lang == "en" and zh.hits[0].lang == "zh-hans"
        text = "server publishing buffering keyframe"
        both = search_articles(text=text, language="en", limit=2, record=False)
        second = search_articles(text=text, language="en", offset=1, limit=1, record=False)
        assert len(both.hits) == 2
        assert [h.slug for h in second.hits] == [both.hits[1].slug]

    def test_an_edit_is_seen_by_a_repeated_search(self, kb_articles, build_index):
        build_index()
        assert top("wombat")[1] == []
        article = kb_articles["keyframe"]
        article.title = "Wombat keyframe interval"
        article.save()
        index_article(article_id=article.pk)
        assert top("wombat")[1] == ["keyframe-interval-2s"]

    def test_a_message_added_to_a_fix_is_found_inside_a_line_at_once(self, problems,
                                                                      build_index):
        refused = make_article(problems=[problems["push.connect-refused"]], slug="refused",
                               title="Encoder cannot connect", symptoms=["Port 1935 is blocked"],
                               body="Open the port.")
        make_article(problems=[problems["net.udp-blocked"]], slug="office-network",
                     title="Blocked on the office network, fine at home",
                     symptoms=["the office guest network blocks it, tried many times"],
                     body="The handshake is rejected by the edge of the office network.")
        build_index()
        text = "Handshake rejected by edge node office guest network tried many times"
        assert top(text)[1][0] == "office-network"
        refused.symptoms = "Port 1935 is blocked\nHandshake rejected by edge node"
        refused.save()
        index_article(article_id=refused.pk)
        assert top(text)[1][0] == "refused"

    def test_turned_off_every_search_uses_the_index(self, kb_articles, build_index,
                                                   monkeypatch):
        build_index()
        monkeypatch.setattr("kb.search.services.RESULT_CACHE_SIZE", 0)
        top("Already publishing")
        monkeypatch.setattr("kb.search.services.build_query",
                            lambda *a, **k: (_ for _ in ()).throw(RuntimeError("index used")))
        assert top("Already publishing")[0].fallback


def test_preparing_a_process_loads_the_dictionaries_a_chinese_search_needs():
    """What a web worker loads at boot (gunicorn.conf.py), in a fresh
    interpreter: jieba's dictionary and pypinyin's readings, which a first
    Chinese search would otherwise load while its customer waits."""
    probe = (
        "import sys, django; django.setup()\n"
        "import jieba\n"
        "from kb.search.services import search_process_prepare\n"
        "before = (jieba.dt.initialized, 'pypinyin.phrases_dict' in sys.modules)\n"
        "search_process_prepare()\n"
        "after = (jieba.dt.initialized, 'pypinyin.phrases_dict' in sys.modules)\n"
        "print(before, after)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kb.settings"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "(False, False) (True, True)"
