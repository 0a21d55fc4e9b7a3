import csv
import io

import pytest

from kb.learning.models import ContentFlag
from tests.clock import CN_WORKING_HOURS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def learned(close_ticket, problems, curator, time_machine):
    time_machine.move_to(CN_WORKING_HOURS, tick=False)
    article = make_article(title="Encoder cannot connect", owner=curator)
    for n in range(3):
        close_ticket(subject=f"OBS cannot connect {n}", article=article,
                     problems=[problems["push.connect-refused"]], priority="P2", region="cn")
    close_ticket(subject="Invoice", summary="Sent it.")
    ContentFlag.objects.create(article=article, reason="stale", detail="Last verified never.")
    return article


class TestDashboard:
    def test_staff_see_charts_and_tables(self, client, curator, learned):
        client.force_login(curator)
        response = client.get("/learning/")
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('role="img"') == 7  # the charts, each named for screen readers
        assert page.count('<title id="chart-') == 7
        assert 'class="line reactive nofill"' in page or 'class="dot' in page  # data drawn
        assert "Encoder cannot connect" in page
        assert "Wizard deflection: no wizard data yet." in page
        assert "Last verified never." in page

    def test_the_link_rate_is_shown_for_the_week(self, client, curator, learned):
        client.force_login(curator)
        page = client.get("/learning/").content.decode()
        assert "Link rate: <strong>75 %</strong>" in page

    def test_regions_are_named_in_the_reader_s_language(self, client, curator, learned,
                                                        settings):
        client.force_login(curator)
        page = client.get("/learning/").content.decode()
        assert "SLA compliance by region: North America" in page
        assert "SLA compliance by region: na" not in page
        assert "SLA compliance by priority: P1" in page
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        assert "按区域的 SLA 达标率: 北美" in client.get("/learning/").content.decode()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, learned):
        response = client.get("/learning/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_customers_get_404(self, client, customer, learned):
        client.force_login(customer)
        assert client.get("/learning/").status_code == 404
        assert client.get("/learning/export.csv").status_code == 404

    @pytest.mark.parametrize("weeks", ["0", "53", "abc", "-1", "9" * 30, "9" * 5000, "²"])
    def test_bad_week_counts_are_400_with_a_message(self, client, curator, weeks):
        client.force_login(curator)
        response = client.get("/learning/", {"weeks": weeks})
        assert response.status_code == 400
        assert "1 to 52" in response.content.decode()

    def test_busiest_page_query_count_is_bounded(self, client, curator, learned,
                                                 django_assert_max_num_queries):
        client.force_login(curator)
        with django_assert_max_num_queries(30):
            client.get("/learning/")


class TestCsvExport:
    def test_weekly_series_as_csv(self, client, curator, learned):
        client.force_login(curator)
        response = client.get("/learning/export.csv", {"weeks": "4"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["week", "metric", "segment", "value"]
        metrics = {row[1] for row in rows[1:]}
        assert {"link_rate", "known_fix", "search_deflection", "self_service_success",
                "wizard_deflection", "time_to_publish", "article_reuse", "sla_priority",
                "sla_region", "gaps_found"} <= metrics
        link = [row for row in rows if row[1] == "link_rate"]
        assert len(link) == 4
        assert link[-1][3] == "0.75"
        # The three China tickets were acknowledged and resolved at once: all met.
        sla_cn = [row for row in rows if row[1] == "sla_region" and row[2] == "cn"]
        assert sla_cn[-1][3] == "1"
