import pytest
from playwright.sync_api import expect

from kb.search.indexing import index_rebuild
from kb.search.models import SearchQuery
from tests.browser.conftest import switch_language
from tests.search.conftest import kb_articles  # noqa: F401 - shared fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed(kb_articles):  # noqa: F811
    index_rebuild()
    return kb_articles


def test_search_from_home_with_typo_suggestion_and_click(page, indexed):
    page.goto("/")
    page.get_by_placeholder("Describe the problem or paste the error message").fill(
        "conection refused"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Did you mean")).to_be_visible()
    page.get_by_role("link", name="connection refused", exact=True).click()
    expect(page.locator("#search-q")).to_have_value("connection refused")
    first = page.locator(".search-results li").first
    expect(first.locator("a").first).to_have_text(
        "Encoder cannot connect: connection refused or timed out"
    )
    expect(first.locator("mark").first).to_be_visible()
    first.locator("a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Encoder cannot connect: connection refused or timed out"
    )
    clicked = SearchQuery.objects.filter(clicked_article__isnull=False).get()
    assert clicked.query == "connection refused" and clicked.clicked_rank == 1


def test_chinese_search_and_area_filter(page, indexed):
    page.goto("/")
    switch_language(page, "zh-hans")
    page.get_by_placeholder("描述问题，或粘贴报错信息").fill("防盗连")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_text("你是不是要找")).to_be_visible()
    expect(page.locator(".search-results li a").first).to_have_text(
        "拉流返回 403：防盗链或鉴权失败"
    )
    page.select_option("select[name=area]", "push")
    expect(page.locator(".no-results")).to_be_visible()
    assert "area=push" in page.url


def test_a_search_nothing_answers_offers_the_wizard_and_support(page, indexed):
    page.goto("/search/?q=satellite+truck+zzqx")
    expect(page.locator(".no-results")).to_be_visible()
    help_box = page.get_by_test_id("search-help")
    expect(help_box.get_by_role("link", name="Start the guided wizard")).to_have_attribute(
        "href", "/wizard/")
    expect(help_box.get_by_role("link", name="Sign in to contact support")).to_be_visible()


def test_a_feature_question_leads_to_support_not_the_wizard(page, indexed):
    page.goto("/search/?q=how+do+we+add+closed+captions+to+the+live+stream")
    notice = page.get_by_test_id("search-feature")
    expect(notice).to_contain_text("how to use a feature of the service")
    help_box = notice.get_by_test_id("search-help")
    expect(help_box.get_by_role("link", name="Start the guided wizard")).to_have_count(0)
    expect(help_box.get_by_role("link", name="Sign in to contact support")).to_be_visible()
    expect(page.get_by_test_id("search-weak")).to_have_count(0)


def test_an_account_question_leads_to_support_not_the_wizard(page, indexed, django_user_model):
    from kb.tickets.models import Organization

    user = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(user)
    page.goto("/search/?q=how+do+I+download+last+month%27s+invoice")
    notice = page.get_by_test_id("search-account")
    expect(notice).to_contain_text("a question about your account, billing")
    help_box = notice.get_by_test_id("search-help")
    expect(help_box.get_by_role("link", name="Start the guided wizard")).to_have_count(0)
    expect(help_box.get_by_role("link", name="support@", exact=False)).to_be_visible()
    help_box.get_by_role("link", name="Sign in to contact support").click()
    page.locator("#id_username").fill("mei")
    page.locator("#id_password").fill("pw-mei-12345")
    page.locator("main form button[type=submit]").click()
    # The ticket form opens with the search as its subject.
    expect(page.get_by_label("Subject")).to_have_value("how do I download last month's invoice")
