"""Take docs/images/dashboard.png: the flagship in the dashboard after one what-if edit.

    python scripts/dashboard_screenshot.py [--output docs/images/dashboard.png]

Starts a real ``kingmaker serve`` on a free loopback port with a throw-away store (as the
browser tests do), opens the flagship in Debian's Chromium, types Iran's salience on troops
(0.9 -> 0.3) and captures the forecasts as they moved.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, save_screenshot  # noqa: E402
from tests.web.server import serve  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "images" / "dashboard.png")
    args = parser.parse_args(argv)
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860}, device_scale_factor=1)
        page.goto(f"{server.url}/scenarios/us-iraq-2020")
        status = page.locator("#whatif-status")
        expect(status).to_contain_text("As given", timeout=120_000)
        box = 'input.num[data-actor="iran"][data-issue="troops"][data-parameter="salience"]'
        page.locator(box).fill("0.3")
        expect(status).to_contain_text("1 edit applied")
        page.locator("h1").scroll_into_view_if_needed()
        page.wait_for_timeout(400)  # Plotly's transition
        save_screenshot(page, args.output)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
