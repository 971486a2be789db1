"""Take docs/images/report-headline.png: the top of the flagship's report with Iran's levers.

    python scripts/report_screenshot.py [--output docs/images/report-headline.png] [--seed 1]

Writes ``kingmaker report --actor iran`` into a temporary folder (throw-away store), opens it
from disk in Debian's Chromium (the page fetches nothing) and captures the first screen.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS, save_screenshot  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "docs" / "images" / "report-headline.png"
    parser.add_argument("--output", type=Path, default=default)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        env = {**os.environ, "KINGMAKER_STORE": str(Path(tmp) / "runs.sqlite")}
        command = ["report", "--actor", "iran", "--seed", str(args.seed), "-o", str(html)]
        subprocess.run([sys.executable, "-m", "kingmaker", *command], env=env, check=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 820})
            page.goto(html.as_uri())
            page.wait_for_timeout(500)  # Plotly's first drawing
            save_screenshot(page, args.output)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
