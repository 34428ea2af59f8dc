"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves (fixtures, reading the outbox) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh phone-sized page (360 × 740) in French; fails the test on any console error
    (CSP violations included)."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()
    assert not errors, f"console errors in the browser: {errors}"


@pytest.fixture
def axe_check():
    """`axe_check(page)` asserts that axe-core finds no accessibility violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def no_horizontal_scroll():
    """`no_horizontal_scroll(page)` asserts the page fits a 360 px wide screen."""

    def check(page):
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone screen"

    return check


@pytest.fixture
def login_as(live_server):
    """`login_as(page, email)` opens a session for that user in the page's browser context, as if the
    person had logged in (the login form itself is covered by its own tests)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    def login(page, email):
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )

    return login



@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Browser tests need committed rows, so each one ends with a flush that also empties the reference
    tables filled by data migrations: put them back."""
    from cabas.catalogue.reference import reference_data_seed

    reference_data_seed()
