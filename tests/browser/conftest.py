"""Playwright on Debian's chromium against the live test server.

A failing test leaves a screenshot under var/screenshots/. ``page`` is a
desktop browser in English; ``phone`` a 390 px wide one; ``open_page``
opens others (a locale, a width). ``axe_violations`` runs axe-core
(tools/axe, installed with ``npm ci``) on the page shown.
"""

import json
from pathlib import Path

import pytest

from tests.services import CHROMIUM, require_chromium

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--disable-quic", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


# Package scope, not session: Playwright's sync API leaves its event loop
# marked as running in the test thread while it is open, and async views
# called afterwards in the same process (/readyz) would refuse to run.
@pytest.fixture(scope="package")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server, request):
    """Open a page in a context of its own: ``open_page(locale="zh-CN",
    viewport=PHONE)``. Each is closed after the test (a screenshot first
    when the test failed)."""
    opened = []

    def _open(*, locale: str = "en-US", viewport: dict | None = None, **options):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, timezone_id="Asia/Shanghai",
            viewport=viewport or DESKTOP, **options,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        opened.append(page)
        return page

    yield _open
    report = getattr(request.node, "report_call", None)
    for number, page in enumerate(opened):
        if report is not None and report.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = request.node.nodeid.replace("/", "_").replace("::", "__")
            suffix = f"-{number}" if number else ""
            page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
        page.context.close()


@pytest.fixture
def page(open_page):
    return open_page()


@pytest.fixture
def phone(open_page):
    """A 390 px wide phone browser, touch and all."""
    return open_page(viewport=PHONE, is_mobile=True, has_touch=True)


def laid_out(page) -> None:
    """Wait for the page shown to have loaded its stylesheet before a test
    measures a box. A click that navigates returns as soon as the new page
    starts, and Chromium answers a measurement then with the page laid out
    unstyled (a chart 294 px wide on a phone, where the styled one is 332)."""
    page.wait_for_load_state("load")


def require_axe() -> Path:
    if not AXE.exists():
        from tests.services import _unavailable

        _unavailable(f"{AXE} not found: npm ci --prefix tools/axe (see .ci/run)")
    return AXE


def axe_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page shown, each with its nodes' targets.

    The script is injected by Playwright, so the test's browser context must
    bypass the Content-Security-Policy (``bypass_csp=True``): the site's own
    pages never allow an inline script.
    """
    laid_out(page)  # colours and sizes are checked as styled
    page.add_script_tag(path=str(require_axe()))
    context = {"exclude": [[selector] for selector in exclude or []]}
    result = page.evaluate(
        "async (context) => await axe.run(context.exclude.length ? context : document,"
        " {resultTypes: ['violations']})", context)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def format_violations(violations: list[dict]) -> str:
    return json.dumps(violations, indent=1, ensure_ascii=False)


def switch_language(page, language: str) -> None:
    """Choose a language in the header and press its button (the select alone
    changes nothing: WCAG 3.2.2)."""
    laid_out(page)  # the Menu button shows on a phone by the stylesheet
    menu = page.locator("#site-menu-button")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    page.select_option("#language-select", language)
    with page.expect_navigation():
        page.locator("#language-switch-button").click()


def screenshot(page, name: str) -> Path:
    """Keep a screenshot of the whole page under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def admin_login(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
