"""Browser-layer numbers: observe+act overhead vs raw Playwright, and observation size on the demo apps.

    .venv/bin/python benchmarks/browser_overhead.py --rounds 40 --json bench-out/browser.json
    .venv/bin/python benchmarks/browser_overhead.py --tokens --json bench-out/browser-tokens.json

The overhead part is the same measurement as `eclair bench browser`. `--tokens` signs in to each demo app,
visits up to --pages pages reachable by links, and reports the observation text's estimated tokens.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eclair.bench.browser import measure_browser_overhead
from eclair.browser import current_page, estimate_tokens, new_context, observe, open_browser
from eclair.config import load_settings

DEMO_LOGINS = {"helpdesk": None, "clinic": "nurse.kim", "procurement": "alex.buyer"}  # None: first helpdesk user


def measure_demo_tokens(max_pages: int) -> dict[str, object]:
    """Estimated observation tokens per page over a breadth-first crawl of the signed-in demo apps."""
    from demos.common import DEMO_PASSWORD
    from demos.helpdesk.data import USERS as HELPDESK_USERS
    from demos.server import DemoServer

    per_page: dict[str, int] = {}
    with DemoServer() as server, open_browser(load_settings()) as browser:
        page = current_page(new_context(browser))
        queue: list[str] = []
        for app, user in DEMO_LOGINS.items():
            page.goto(f"{server.base_url}/{app}/login")
            page.fill("#username", user or next(iter(HELPDESK_USERS)))
            page.fill("#password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            queue.append(f"{server.base_url}/{app}/")
        seen: set[str] = set()
        while queue and len(per_page) < max_pages:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            try:
                page.goto(url)
            except Exception:  # export links start downloads: not pages
                continue
            path = url.removeprefix(server.base_url)
            per_page[path] = estimate_tokens(observe(page, screenshot=False, token_budget=100_000).text)
            links = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href.split('#')[0])")
            queue.extend(
                h
                for h in links
                if h.startswith(server.base_url) and not any(w in h for w in ("logout", "admin", ".csv"))
            )
    values = list(per_page.values())
    return {
        "pages": len(values),
        "median_tokens": statistics.median(values),
        "p90_tokens": sorted(values)[int(0.9 * (len(values) - 1))],
        "max_tokens": max(values),
        "per_page": per_page,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--tokens", action="store_true", help="measure observation tokens on the demo apps")
    parser.add_argument("--pages", type=int, default=45)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.tokens:
        result = measure_demo_tokens(args.pages)
        print(
            f"{result['pages']} demo pages: median {result['median_tokens']} tokens, "
            f"p90 {result['p90_tokens']}, max {result['max_tokens']}"
        )
    else:
        result = measure_browser_overhead(load_settings(), rounds=args.rounds)
        print(json.dumps(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
