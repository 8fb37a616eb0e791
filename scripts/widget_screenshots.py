"""Screenshots of the open chat widget on /demo, light and dark, for the README and docs/.

Against a running folio (`make run`), in Debian's Chromium driven by Playwright (a dev dependency):

    python scripts/widget_screenshots.py [--url http://127.0.0.1:8000] [--out docs]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
QUESTION = "What grade did she get in Database Internals?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 900, "height": 700}, color_scheme=scheme)
            page.goto(f"{args.url.rstrip('/')}/demo", wait_until="load")
            page.locator("folio-chat .bubble").click()
            page.keyboard.type(QUESTION)
            page.keyboard.press("Enter")
            page.locator("folio-chat .bot[aria-busy=false]").wait_for()
            page.locator("folio-chat textarea").blur()
            path = args.out / f"widget-{scheme}.png"
            page.screenshot(path=str(path))
            sys.stdout.write(f"{path}\n")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
