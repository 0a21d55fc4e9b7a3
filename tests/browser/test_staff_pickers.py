"""The staff ticket page's two long lists: the fix that solved it and the
located problems. An engineer finds an entry by typing a word of it."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kb.articles.models import Article
from kb.problems.models import Problem
from kb.search.indexing import index_rebuild
from kb.tickets.models import Organization, Ticket
from kb.tickets.services import (
    sla_policies_ensure,
    teams_load_fixture,
    ticket_acknowledge,
    ticket_create,
)
from tests.browser.conftest import axe_violations, format_violations
from tests.browser.test_tickets import sign_in
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acknowledged(problems, groups, django_user_model) -> Ticket:
    index_rebuild()
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    for language, title in [("en", "SRT or WebRTC cannot connect: UDP is blocked"),
                            ("zh-hans", "UDP 被封导致 SRT/WebRTC 不通")]:
        make_article(problems=[problems["net.udp-blocked"]], slug="udp-blocked",
                     language=language, title=title, area="network")
    make_article(problems=[problems["push.connect-refused"]], slug="push-connection-refused",
                 title="Encoder cannot connect: connection refused or timed out")
    make_article(problems=[problems["enc.keyframe-interval"]], slug="keyframe-interval-2s",
                 area="encoder", title="Keyframe interval is not a fixed 2 seconds")
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", "alice@example.com", "pw-alice-42")
    org.members.add(alice)
    wei = django_user_model.objects.create_user("wei", "wei@example.com", "pw-wei-42",
                                                is_staff=True)
    wei.groups.add(groups["Support engineers"])
    ticket = ticket_create(requester=alice, organization=org, subject="SRT push never starts",
                           description="OBS with SRT times out; RTMP works.", priority="P3",
                           region="eu")
    ticket_acknowledge(ticket=ticket, actor=wei)
    return ticket


def visible_options(select) -> list[str]:
    return select.evaluate(
        "s => Array.from(s.options).filter(o => !o.hidden &&"
        " !(o.parentElement.tagName === 'OPTGROUP' && o.parentElement.hidden))"
        ".map(o => o.textContent)")


def test_engineer_types_to_find_the_fix_and_the_problem(page, acknowledged):
    sign_in(page, "wei", "pw-wei-42")
    page.goto(f"/support/tickets/{acknowledged.pk}/")

    # Locate: the codes are grouped by area and named by their titles.
    problems = page.get_by_label("Diagnosis: problem codes")
    expect(problems.locator("optgroup[label=Network]")).to_have_count(1)
    expect(problems.locator("option[value='net.udp-blocked']")).to_have_text(
        "UDP is blocked or throttled (net.udp-blocked)")
    page.get_by_label("Filter the problems by code or title").fill("throttled")
    assert [text for text in visible_options(problems) if "throttled" in text] == [
        "UDP is blocked or throttled (net.udp-blocked)"]
    assert not any("(enc." in text for text in visible_options(problems))
    expect(page.get_by_role("status").filter(has_text="shown")).to_be_visible()
    problems.select_option("net.udp-blocked")
    page.get_by_role("button", name="Mark located").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Located")

    # Resolve: the located problem's fixes come first, each with its language.
    fixes = page.get_by_label("The fix that solved it")
    first_group = fixes.locator("optgroup").first
    expect(first_group).to_have_attribute("label", "Fixes for this ticket's problems")
    expect(first_group.locator("option").nth(0)).to_have_text(
        "SRT or WebRTC cannot connect: UDP is blocked (English)")
    expect(first_group.locator("option").nth(1)).to_have_text(
        "UDP 被封导致 SRT/WebRTC 不通 (简体中文)")
    page.get_by_label("Filter the fixes by title").fill("udp")
    shown = visible_options(fixes)
    assert "No article fits" in shown
    assert not any("Keyframe" in text or "connection refused" in text for text in shown)
    assert "SRT or WebRTC cannot connect: UDP is blocked (English)" in shown
    fixes.select_option(label="SRT or WebRTC cannot connect: UDP is blocked (English)")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Resolved")
    acknowledged.refresh_from_db()
    assert [a.title for a in acknowledged.articles.all()] == [
        "SRT or WebRTC cannot connect: UDP is blocked"]


def test_enter_in_the_filter_picks_the_first_match(open_page, acknowledged):
    page = open_page(bypass_csp=True)  # for axe-core's injected script
    sign_in(page, "wei", "pw-wei-42")
    page.goto(f"/support/tickets/{acknowledged.pk}/")
    box = page.get_by_label("Filter the fixes by title")
    box.fill("keyframe")
    box.press("Enter")
    # The form was not sent: the engineer still writes a summary.
    expect(page.get_by_test_id("ticket-status")).to_have_text("Acknowledged")
    assert axe_violations(page) == [], format_violations(axe_violations(page))
    keyframe = Article.objects.get(slug="keyframe-interval-2s")
    expect(page.get_by_label("The fix that solved it")).to_have_value(str(keyframe.pk))


def test_a_chinese_engineer_filters_problems_by_their_chinese_titles(open_page, acknowledged):
    page = open_page(locale="zh-CN")
    page.goto(f"/accounts/login/?next=/support/tickets/{acknowledged.pk}/")
    page.locator("#id_username").fill("wei")
    page.locator("#id_password").fill("pw-wei-42")
    page.locator("main form button[type=submit]").click()
    problems = page.get_by_label("定位结论：问题代码")
    page.get_by_label("按代码或名称筛选问题").fill("播放返回")
    assert [text for text in visible_options(problems) if "播放返回" in text] == [
        "播放返回 403 (play.forbidden-403)", "播放返回 404 (play.not-found-404)"]
    expect(page.get_by_role("status").filter(has_text="显示")).to_have_text(
        f"显示 2 / 共 {Problem.objects.count()} 项")
