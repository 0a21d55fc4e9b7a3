from urllib.parse import urlencode

import pytest
from django.utils.html import escape

from kb.search.models import SearchQuery

pytestmark = pytest.mark.django_db


class TestSearchPage:
    def test_answers_from_the_database_say_so_until_the_index_is_back(self, client,
                                                                     kb_articles):
        first = client.get("/search/", {"q": "already publishing"}).content.decode()
        assert 'data-testid="search-fallback"' in first
        assert "Push rejected: the stream is already being published" in first
        # The missing index was rebuilt by the queued check (run in process here).
        second = client.get("/search/", {"q": "already publishing"}).content.decode()
        assert 'data-testid="search-fallback"' not in second
        assert "Push rejected: the stream is already being published" in second

    def test_results_link_through_the_click_recorder(self, client, kb_articles, build_index):
        build_index()
        response = client.get("/search/", {"q": "Already publishing"})
        html = response.content.decode()
        log = SearchQuery.objects.get()
        article = kb_articles["duplicate"]
        prefix = f"/search/go/{log.pk}/{article.pk}/?rank=1&amp;t="
        assert prefix in html
        link = html[html.index(prefix):].split('"')[0].replace("&amp;", "&")
        opened = client.get(link)
        assert opened.status_code == 302
        assert opened["Location"] == article.get_absolute_url()
        log.refresh_from_db()
        assert (log.clicked_article, log.clicked_rank) == (article, 1)

    def test_typo_shows_did_you_mean(self, client, kb_articles, build_index):
        build_index()
        html = client.get("/search/", {"q": "conection refused"}).content.decode()
        assert "Did you mean" in html
        assert "connection refused" in html

    def test_no_result_message(self, client, kb_articles, build_index):
        build_index()
        html = client.get("/search/", {"q": "zzzqqq"}).content.decode()
        assert "No fix matches your search" in html
        assert 'data-testid="search-help"' in html

    def test_weak_matches_say_so_and_lead_to_the_wizard_and_support(self, client, kb_articles,
                                                                     build_index):
        build_index()
        query = "encoder on a boat at sea"
        html = client.get("/search/", {"q": query}).content.decode()
        assert 'data-testid="search-weak"' in html and "Encoder cannot connect" in html
        assert 'data-testid="search-account"' not in html
        assert '<a class="button" href="/wizard/">Start the guided wizard</a>' in html
        # A visitor signs in first (then lands on the new ticket), or writes.
        new_ticket = "/support/tickets/new/?" + urlencode({"subject": query})
        assert escape("/accounts/login/?" + urlencode({"next": new_ticket})) in html
        assert "mailto:" in html
        assert "subject=encoder%20on%20a%20boat%20at%20sea" in html

    def test_an_account_question_leads_to_support_and_not_the_wizard(self, client, kb_articles,
                                                                     build_index):
        build_index()
        query = "invoice billing refund for the encoder"
        html = client.get("/search/", {"q": query}).content.decode()
        assert 'data-testid="search-account"' in html and "Encoder cannot connect" in html
        assert "words with your search" in html
        assert "fix found" not in html
        assert 'data-testid="search-weak"' not in html
        assert "Start the guided wizard" not in html
        assert "subject=invoice%20billing%20refund%20for%20the%20encoder" in html
        html = client.get("/search/", {"q": "退款"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "这看起来是账号、账单、合同或登录方面的问题" in html
        assert "没有找到匹配的解决方案" in html
        assert 'class="button" href="/wizard/"' not in html

    def test_a_feature_question_leads_to_support_and_not_the_wizard(self, client, kb_articles,
                                                                   build_index):
        build_index()
        query = "how to add subtitles to the encoder stream"
        html = client.get("/search/", {"q": query}).content.decode()
        assert 'data-testid="search-feature"' in html
        assert "how to use a feature of the service" in html
        assert 'data-testid="search-account"' not in html
        assert 'data-testid="search-weak"' not in html
        assert "Start the guided wizard" not in html
        assert "subject=how%20to%20add%20subtitles%20to%20the%20encoder%20stream" in html
        html = client.get("/search/", {"q": "直播怎么加水印"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "这看起来是在问某项产品功能怎么用" in html
        assert 'class="button" href="/wizard/"' not in html

    def test_a_signed_in_customer_contacts_support_with_the_search_as_subject(
            self, client, kb_articles, build_index, customer):
        build_index()
        client.force_login(customer)
        html = client.get("/search/", {"q": "发票 退款"}).content.decode()
        assert "No fix matches your search" in html
        assert 'href="/support/tickets/new/?subject=%E5%8F%91%E7%A5%A8+%E9%80%80%E6%AC%BE"' in html
        assert "mailto:" not in html

    def test_a_good_match_offers_no_detour(self, client, kb_articles, build_index):
        build_index()
        html = client.get("/search/", {"q": "Already publishing"}).content.decode()
        assert 'data-testid="search-weak"' not in html
        assert 'data-testid="search-help"' not in html

    def test_long_query_notice(self, client, kb_articles, build_index):
        build_index()
        html = client.get("/search/", {"q": "buffering " * 200}).content.decode()
        assert "only its first 500 characters were used" in html

    def test_htmx_request_gets_only_the_results_fragment(self, client, kb_articles, build_index):
        build_index()
        response = client.get("/search/", {"q": "buffering"}, HTTP_HX_REQUEST="true")
        assert "<html" not in response.content.decode()
        assert "Viewers keep buffering" in response.content.decode()

    def test_empty_page_logs_nothing(self, client, db):
        assert client.get("/search/").status_code == 200
        assert not SearchQuery.objects.exists()

    def test_bad_page_and_filters_are_ignored(self, client, kb_articles, build_index):
        build_index()
        plain = client.get("/search/", {"q": "buffering"})
        odd = client.get("/search/", {"q": "buffering", "page": "x", "area": "moon",
                                      "lang": "fr"})
        assert odd.status_code == 200
        shown = [hit.slug for hit in odd.context["results"].hits]
        assert shown == [hit.slug for hit in plain.context["results"].hits]
        assert shown[0] == "viewers-buffering"
        assert (odd.context["area"], odd.context["lang"]) == (None, None)

    def test_click_on_unknown_article_is_404(self, client, kb_articles, build_index):
        build_index()
        client.get("/search/", {"q": "buffering"})
        log = SearchQuery.objects.get()
        assert client.get(f"/search/go/{log.pk}/999999/").status_code == 404


class TestSearchGapsPage:
    def test_curator_sees_what_customers_did_not_find(self, client, kb_articles, build_index,
                                                      curator):
        build_index()
        client.get("/search/", {"q": "zebra codec"})
        client.get("/search/", {"q": "Zebra   codec"})
        client.get("/search/", {"q": "refund for the zebra codec"})
        client.force_login(curator)
        html = client.get("/admin/search/searchquery/gaps/").content.decode()
        assert "zebra codec" in html
        assert "<td>2</td>" in html
        # An account question is support's to answer, not a fix to write.
        assert "refund" not in html.split('id="search-gaps"')[1]
        assert "Questions about accounts and billing are left out" in html

    def test_customers_cannot_open_it(self, client, db, customer):
        client.force_login(customer)
        assert client.get("/admin/search/searchquery/gaps/").status_code == 302

    @pytest.mark.parametrize("days", ["²", "9" * 5000, "0", "366"])
    def test_a_period_that_is_no_period_shows_the_last_30_days(self, client, db, curator, days):
        client.force_login(curator)
        response = client.get("/admin/search/searchquery/gaps/", {"days": days})
        assert response.status_code == 200 and response.context["days"] == 30
