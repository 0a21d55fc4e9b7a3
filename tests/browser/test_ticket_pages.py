"""Ticket pages as a customer reads them: a form laid out like a form, the
guided diagnosis shown once, names instead of codes, in the reader's language."""


import pytest
from playwright.sync_api import expect

from kb.search.indexing import index_rebuild
from kb.tickets.models import Organization
from tests.clock import CN_WORKING_HOURS
from tests.wizard.conftest import escalate_a_stutter, load_site_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def customer(db, django_user_model):
    load_site_content()
    user = django_user_model.objects.create_user("mei", "mei@example.com", "pw-mei-12345")
    # A name that ends with a full stop, like many companies' names.
    Organization.objects.create(name="Demo Streaming Co.").members.add(user)
    return user


def sign_in(page, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("#id_username").fill("mei")
    page.locator("#id_password").fill("pw-mei-12345")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**{next_url}")


def test_the_ticket_form_stacks_its_fields_at_full_width(page, customer):
    sign_in(page, "/support/tickets/new/")
    form = page.locator("form.ticket-form").bounding_box()
    subject_label = page.locator("label[for=id_subject]").bounding_box()
    subject = page.get_by_label("Subject").bounding_box()
    assert subject_label["y"] + subject_label["height"] <= subject["y"] + 1, (
        subject_label, subject)  # the label above its box, not beside it
    assert subject["width"] >= 0.95 * form["width"], (subject, form)
    for name in ("Description", "Paste tool output"):
        box = page.get_by_label(name).bounding_box()
        assert abs(box["x"] - subject["x"]) < 2 and box["width"] >= 0.95 * form["width"], name
    text = page.locator("main").inner_text()
    assert "(optional) (optional)" not in text
    expect(page.locator("label[for=id_pasted_log]")).to_have_text("Paste tool output (optional)")
    expect(page.get_by_test_id("ticket-for")).to_have_text("Filed for Demo Streaming Co.")
    assert ".." not in text


def test_the_escalated_ticket_shows_the_diagnosis_once_with_names(page, customer,
                                                                   time_machine):
    time_machine.move_to(CN_WORKING_HOURS)
    ticket = escalate_a_stutter(customer)
    sign_in(page, f"/support/tickets/{ticket.pk}/")
    main = page.locator("main")
    expect(page.get_by_test_id("ticket-description")).to_have_text(
        "Every evening since Monday.")
    text = main.inner_text()
    finding = ticket.wizard_sessions.get().diagnosis["findings"][0]["summary"]
    assert text.count(finding) == 1, finding
    assert text.count("Paste an mtr") == 1
    # Names, not codes.
    expect(page.get_by_test_id("ticket-team")).to_have_text("China")
    expect(page.get_by_test_id("ticket-problems")).to_contain_text(
        "Packet loss on the first hops")
    assert "net.loss-last-mile" not in text
    assert "Findings:" not in text and "answer:" not in text


def test_a_chinese_reader_reads_the_ticket_in_chinese(open_page, customer, time_machine):
    time_machine.move_to(CN_WORKING_HOURS)
    ticket = escalate_a_stutter(customer, language="zh-hans")
    # What staff and e-mails read is written in the customer's language too.
    assert "引导诊断" in ticket.description and "回答：" in ticket.description
    assert "answer:" not in ticket.description
    page = open_page(locale="zh-CN")
    sign_in(page, f"/support/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("ticket-team")).to_have_text("中国")
    expect(page.get_by_test_id("ticket-problems")).to_contain_text("首几跳丢包")
    assert "net.loss-last-mile" not in page.locator("main").inner_text()


def test_staff_find_problems_by_area_and_the_ticket_s_fixes_first(page, customer, groups,
                                                                 django_user_model,
                                                                 time_machine):
    time_machine.move_to(CN_WORKING_HOURS)
    index_rebuild()  # the staff page's diagnosis searches the fixes
    ticket = escalate_a_stutter(customer)
    engineer = django_user_model.objects.create_user("wei", "wei@example.com", "pw-wei-12345",
                                                     is_staff=True)
    engineer.groups.add(groups["Support engineers"])
    page.goto(f"/accounts/login/?next=/support/tickets/{ticket.pk}/")
    page.locator("#id_username").fill("wei")
    page.locator("#id_password").fill("pw-wei-12345")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="Acknowledge").click()
    locate = page.get_by_label("Diagnosis: problem codes")
    expect(locate.locator("optgroup[label=Network]")).to_contain_text(
        "Packet loss on the first hops (net.loss-last-mile)")
    resolve = page.get_by_label("The fix that solved it")
    first_group = resolve.locator("optgroup").first
    expect(first_group).to_have_attribute("label", "Fixes for this ticket's problems")
    expect(first_group).to_contain_text("first hops")
