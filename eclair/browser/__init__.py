"""eclair.browser: the only room that imports Playwright.

Launch or connect (`open_browser`), make contexts (`new_context`), follow the agent's tab (`current_page`),
see the page (`observe`; `capture` takes the screenshot alone), change it (`act`;
`act_and_observe` also returns the observation after, one round trip cheaper), and draw Set-of-Marks
overlays (`draw_set_of_marks`).
"""

from eclair.browser.act import act, act_and_observe
from eclair.browser.errors import BrowserNotFound, PageUnreachable, VideoUnavailable
from eclair.browser.launch import current_page, navigate, new_context, open_browser, resolve_browser_path
from eclair.browser.marks import draw_set_of_marks
from eclair.browser.observe import capture, observe
from eclair.browser.render import element_line, estimate_tokens, render_text

__all__ = [
    "BrowserNotFound",
    "PageUnreachable",
    "VideoUnavailable",
    "act",
    "act_and_observe",
    "capture",
    "current_page",
    "draw_set_of_marks",
    "element_line",
    "estimate_tokens",
    "navigate",
    "new_context",
    "observe",
    "open_browser",
    "render_text",
    "resolve_browser_path",
]
