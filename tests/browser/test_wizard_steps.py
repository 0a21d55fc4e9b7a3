"""The wizard as a customer meets it: short fixes, evidence by severity, true
progress, the browser's Back, promised times per region, copyable commands."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kb.wizard.models import WizardSession
from tests.browser.conftest import PHONE
from tests.clock import SATURDAY_NIGHT
from tests.wizard.conftest import load_site_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 6 % of pings lost on a stable 231 ms long-haul route: the loss is the
# problem, the round-trip time is what distance costs.
LOSSY_LONG_HAUL = "\n".join(
    ["PING push.example.com (203.0.113.10) 56(84) bytes of data."]
    + [f"64 bytes from 203.0.113.10: icmp_seq={n} ttl=52 time={229 + n % 5}.4 ms"
       for n in range(1, 101) if n % 16]
    + ["", "--- push.example.com ping statistics ---",
       "100 packets transmitted, 94 received, 6% packet loss, time 99120ms",
       "rtt min/avg/max/mdev = 228.104/231.022/234.000/1.702 ms"])


@pytest.fixture
def content(db):
    load_site_content()


def open_flow(page, title: str) -> None:
    page.goto("/wizard/")
    page.get_by_role("button", name="No, something else is wrong").click()
    page.get_by_role("button", name=re.compile(title)).click()


def to_the_paste(page) -> None:
    open_flow(page, "The stream stutters")
    page.get_by_role("button", name="Yes, it is live but stutters").click()
    page.get_by_role("button", name="All the time").click()
    page.get_by_role("button", name="RTMP or RTMPS").click()


def decline_every_fix(page) -> None:
    """Answer "No" to each fix offered until the step after them shows."""
    prompt = page.locator(".wizard-prompt").first
    expect(prompt).to_contain_text("Suggested fix 1 of")
    while page.get_by_role("button", name="No, still broken").count():
        before = prompt.inner_text()
        page.get_by_role("button", name="No, still broken").click()
        expect(prompt).not_to_have_text(before)


def browser_back(page) -> None:
    """The browser's Back button (Playwright's go_back would wait for a load
    the step's reload replaces)."""
    page.evaluate("() => history.back()")


def progress(page) -> tuple[int, int]:
    text = page.locator(".wizard-progress label").inner_text()
    number, total = re.match(r"Step (\d+) of about (\d+)", text).groups()
    return int(number), int(total)


def test_the_fix_step_shows_what_to_do_with_the_answer_at_hand(page, content):
    open_flow(page, "The encoder cannot push")
    page.get_by_role("button", name="RTMP", exact=True).click()
    page.get_by_role("button", name="Failed to connect").click()
    page.get_by_role("button", name="Skip").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("Encoder cannot connect")
    summary = page.locator(".fix-summary")
    expect(summary).to_contain_text("Check the server address first")
    # The whole article is folded; "Did this fix it?" is right under the summary.
    expect(page.get_by_test_id("full-fix")).not_to_have_attribute("open", "")
    answer = page.get_by_role("button", name="Yes, it works now")
    expect(answer).to_have_count(1)
    box = answer.bounding_box()
    assert box["y"] < 1200, box
    page.get_by_text("The whole fix").click()
    expect(page.get_by_role("heading", name="How to confirm")).to_be_visible()
    # Opened, the article ends with the same question.
    expect(page.get_by_role("button", name="Yes, it works now")).to_have_count(2)
    page.get_by_role("button", name="Yes, it works now").last.click()
    expect(page.get_by_role("heading", name="Glad it is fixed")).to_be_visible()


def test_findings_come_by_severity_and_the_loss_fix_comes_first(page, content):
    to_the_paste(page)
    page.get_by_label("Paste an mtr").fill(LOSSY_LONG_HAUL)
    page.get_by_role("button", name="Read this output").click()
    findings = page.locator(".finding")
    expect(findings.first.locator(".severity")).to_have_text("Problem")
    expect(findings.first).to_contain_text("6% of pings were lost")
    expect(findings.last.locator(".severity")).to_have_text("For information")
    expect(findings.last).to_contain_text("231.022 ms")
    # The evidence line stands on its own, not inside the sentence.
    expect(findings.first.locator("pre.evidence")).to_contain_text("6% packet loss")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("Packet loss")
    expect(page.locator(".why .evidence-line").first).to_contain_text("6% packet loss")
    reason = page.locator(".why .diagnosis-reason").first.inner_text()
    assert reason.index("6% of pings were lost") < reason.index("100 packets transmitted")


def test_a_pasted_upload_test_is_held_against_the_logs_bitrate(page, content):
    # An OBS log at 4,128 kbps and an iperf3 upload of 825 Kbits/sec, pasted together.
    samples = Path(__file__).parents[1] / "diagnostics" / "samples"
    paste = "\n".join((samples / name).read_text(encoding="utf-8") for name in (
        "obs29-linux-dropped-frames-uplink.txt", "linux-iperf3-upload-policed-zh.txt"))
    to_the_paste(page)
    page.get_by_label("Paste an mtr").fill(paste)
    page.get_by_role("button", name="Read this output").click()
    upload = page.locator(".finding", has_text="less than the stream itself")
    expect(upload.locator(".severity")).to_have_text("Problem")
    expect(upload.locator("pre.evidence")).to_contain_text("825 Kbits/sec")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("Upload bandwidth is too low")


def test_a_pasted_browser_console_points_at_what_the_browser_blocked(page, content):
    # What Chrome's console shows for an hls.js player on an https page
    # fetching the stream from a domain that sends no CORS header.
    console = (
        "Access to XMLHttpRequest at 'https://play.example.com/live/event.m3u8' from origin "
        "'https://www.example.com' has been blocked by CORS policy: No "
        "'Access-Control-Allow-Origin' header is present on the requested resource.\n"
        "hls.min.js:2 GET https://play.example.com/live/event.m3u8 net::ERR_FAILED 200 (OK)\n"
        "networkError manifestLoadError true 0\n")
    open_flow(page, "Viewers cannot play")
    page.get_by_role("button", name=re.compile("It plays in VLC")).click()
    page.get_by_role("button", name="Some viewers, or only in a test").click()
    expect(page.locator("#wizard-paste-help")).to_contain_text("the browser console")
    page.get_by_label("Paste what a player").fill(console)
    page.get_by_role("button", name="Read this output").click()
    blocked = page.locator(".finding", has_text="The browser blocked the player's request")
    expect(blocked.locator(".severity")).to_have_text("Problem")
    expect(blocked.locator("pre.evidence")).to_contain_text("blocked by CORS policy")
    # The player's load error is explained by the CORS line, not a finding of its own.
    expect(page.locator(".finding", has_text="show no HTTP status")).to_have_count(0)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("Web player blocked by the browser")


def test_progress_moves_on_with_every_step(page, content):
    to_the_paste(page)
    seen = [progress(page)]
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_role("heading", name="What the path shows")).to_be_visible()
    seen.append(progress(page))
    page.get_by_role("button", name="Continue").click()
    prompt = page.locator(".wizard-prompt").first
    expect(prompt).to_contain_text("Suggested fix 1 of")
    while True:
        seen.append(progress(page))
        if page.get_by_role("button", name="No, still broken").count() == 0:
            break
        before = prompt.inner_text()
        page.get_by_role("button", name="No, still broken").click()
        expect(prompt).not_to_have_text(before)
    numbers = [number for number, _total in seen]
    assert numbers == sorted(set(numbers)), seen  # never the same step twice
    assert all(number <= total for number, total in seen), seen
    expect(page.get_by_text("Where does the encoder push from?")).to_be_visible()


def test_the_browser_back_button_goes_to_the_previous_step(page, content):
    open_flow(page, "The stream stutters")
    page.get_by_role("button", name="Yes, it is live but stutters").click()
    expect(page.get_by_text("When does it happen?")).to_be_visible()
    page.get_by_role("button", name="All the time").click()
    expect(page.get_by_text("Which protocol do you push with?")).to_be_visible()
    browser_back(page)
    expect(page.get_by_text("When does it happen?")).to_be_visible()
    assert "/wizard/s/" in page.url
    page.get_by_role("button", name="Mostly in the evening").click()
    expect(page.get_by_text("Which protocol do you push with?")).to_be_visible()
    session = WizardSession.objects.get()
    assert [e["choice"] for e in session.entries] == ["live-degraded", "evening"]
    browser_back(page)
    expect(page.get_by_text("When does it happen?")).to_be_visible()
    browser_back(page)
    expect(page.get_by_text("Is the stream live right now?")).to_be_visible()


def test_the_promised_times_follow_the_region(page, content, django_user_model,
                                              time_machine):
    from kb.tickets.models import Organization

    # Nobody is on duty: each region's own team takes it, on its own calendar.
    time_machine.move_to(SATURDAY_NIGHT)
    user = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    Organization.objects.create(name="Acme Live").members.add(user)
    page.goto("/accounts/login/?next=/wizard/")
    page.get_by_label("Username").fill("mei")
    page.get_by_label("Password").fill("pw-mei-12345")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="No, something else is wrong").click()
    page.get_by_role("button", name=re.compile("The encoder cannot push")).click()
    page.get_by_role("button", name="RTMP", exact=True).click()
    page.get_by_role("button", name="Already publishing").click()
    decline_every_fix(page)
    page.get_by_role("button", name="Europe").click()
    promise = page.locator("#wizard-promise")
    expect(promise).to_contain_text("Europe team")
    # Monday 09:00 in Berlin plus four working hours, shown in Shanghai time.
    expect(promise).to_contain_text("Acknowledged by 2026-12-07 20:00 CST")
    # The step was swapped in by htmx, which wires the region list to the
    # promise only when the swap settles, 20 ms later. A person never acts
    # that fast; a test can, and its change would go unheard.
    expect(page.locator(".htmx-settling")).to_have_count(0)
    page.get_by_label("Region of the stream").select_option("cn")
    expect(promise).to_contain_text("China team")
    expect(promise).to_contain_text("Acknowledged by 2026-12-07 13:00 CST")
    expect(promise).not_to_contain_text("Europe team")


def test_commands_in_a_step_are_code_to_copy(open_page, content):
    phone = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    to_the_paste(phone)
    command = phone.locator(".wizard-help .command code").first
    expect(command).to_have_text("mtr -rwc 100 push.example.com")
    assert command.bounding_box()["x"] + command.bounding_box()["width"] <= PHONE["width"]
    phone.get_by_role("button", name="Copy: mtr -rwc 100 push.example.com").click()
    assert phone.evaluate("navigator.clipboard.readText()") == "mtr -rwc 100 push.example.com"


def test_a_chinese_reader_gets_findings_and_fixes_in_chinese(open_page, content):
    page = open_page(locale="zh-CN")
    page.goto("/wizard/")
    page.get_by_role("button", name="不是，是其他问题").click()
    page.get_by_role("button", name=re.compile("推流卡顿")).click()
    page.get_by_role("button", name="是，正在直播但卡顿").click()
    page.get_by_role("button", name="一直都有").click()
    page.get_by_role("button", name="RTMP 或 RTMPS").click()
    page.locator("#wizard-paste").fill(LOSSY_LONG_HAUL)
    page.locator("#wizard-step form button[type=submit]").first.click()
    findings = page.locator(".finding")
    expect(findings.first.locator(".severity")).to_have_text("问题")
    expect(findings.last.locator(".severity")).to_have_text("供参考")
    page.locator("#wizard-step form button[type=submit]").first.click()
    expect(page.locator("h2.wizard-prompt")).to_contain_text("建议方案 1 / ")
    expect(page.locator("h2.wizard-prompt")).to_contain_text("：")
    expect(page.locator(".why strong")).to_have_text("推荐理由：")
    expect(page.locator(".fix-summary h3")).to_have_text("请这样做")
    text = page.locator("#wizard-step").inner_text()
    for english in ("Suggested fix", "Why this fix", "Do this", "Problem", "Did this fix it"):
        assert english not in text, english
