"""Debian's Chromium driven by Playwright, shared by the report's and the dashboard's tests.

``playwright install`` cannot download a browser here, so the tests launch the system
Chromium. Without it (or without Playwright) the browser tests skip with the reason shown,
unless ``KINGMAKER_REQUIRE_BROWSER=1`` (set by .ci/run), which turns the skip into a failure:
a machine that should test in a browser must not pass silently without one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KINGMAKER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _unavailable(reason: str):
    if os.environ.get("KINGMAKER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"a browser is required here (KINGMAKER_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    """A launched headless Chromium (Playwright ``Browser``), one per test session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        _unavailable(f"Playwright is not installed ({exc})")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """What a page did that a test must see: console errors, dialogs, network requests."""

    def __init__(self, page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("dialog", self._dialog)
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self) -> None:
        assert self.console_errors == [], self.console_errors
        assert self.page_errors == [], self.page_errors
        assert self.dialogs == [], self.dialogs


@pytest.fixture
def browser_page(chromium):
    """A fresh page in its own context, watched; closed after the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield PageWatch(page)
    finally:
        context.close()


def save_screenshot(page, output: Path) -> None:
    """Write ``page``'s viewport to ``output`` (folders made), as the docs' scripts do."""
    import sys

    output.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(output))
    print(f"wrote {output}", file=sys.stderr)
