"""`eclair bench browser`: observe+act through eclair vs the same click through a raw Playwright locator."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from eclair.browser.act import act
from eclair.browser.launch import current_page, new_context, open_browser
from eclair.browser.observe import observe
from eclair.browser.render import estimate_tokens
from eclair.config import Settings
from eclair.types import Action

_FIELDS = [
    ("Customer", "text"),
    ("Contact name", "text"),
    ("Email", "email"),
    ("Phone", "tel"),
    ("Street", "text"),
    ("City", "text"),
    ("Postcode", "text"),
    ("Country", "text"),
    ("Order reference", "text"),
    ("Due date", "date"),
    ("Amount", "number"),
    ("Cost centre", "text"),
]

# A typical enterprise form page: a header with navigation, a dozen labelled fields, selects, checkboxes,
# radios, a notes box, a table of recent orders, and a Save button that writes a status line.
FORM_PAGE = (
    "<!doctype html><html><head><title>New purchase order</title></head><body>"
    "<nav><a href='#'>Dashboard</a> <a href='#'>Orders</a> <a href='#'>Suppliers</a> <a href='#'>Reports</a></nav>"
    "<h1>New purchase order</h1><p>Fields marked * are required.</p><form onsubmit='return false'>"
    + "".join(
        f"<label for='f{i}'>{name}{' *' if i < 3 else ''}</label><input id='f{i}' type='{kind}'"
        f"{' required' if i < 3 else ''}><br>"
        for i, (name, kind) in enumerate(_FIELDS)
    )
    + "<label for='prio'>Priority</label><select id='prio'><option>Low</option><option selected>Normal</option>"
    "<option>High</option></select>"
    "<label for='cur'>Currency</label><select id='cur'><option>EUR</option><option>USD</option><option>GBP</option>"
    "</select>"
    "<label><input type='checkbox' id='urgent'> Urgent</label><label><input type='checkbox'> Needs approval</label>"
    "<fieldset><legend>Delivery</legend><label><input type='radio' name='d' checked> Standard</label>"
    "<label><input type='radio' name='d'> Express</label></fieldset>"
    "<label for='notes'>Notes</label><textarea id='notes'></textarea>"
    "<button id='save' type='button' onclick=\"document.getElementById('status').textContent='Saved draft '"
    " + (++window.saves)\">Save draft</button> <button type='submit'>Submit order</button></form>"
    "<p id='status'>Not saved</p><table><tr><th>Order</th><th>Supplier</th><th>Total</th></tr>"
    + "".join(f"<tr><td>PO-{n}</td><td>Supplier {n}</td><td>{n * 110} EUR</td></tr>" for n in range(1, 9))
    + "</table><script>window.saves = 0</script></body></html>"
)


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure_browser_overhead(settings: Settings, *, rounds: int = 40) -> dict[str, object]:
    """Median ms of: raw locator click, observe (with/without screenshot), act, observe+act; and their ratio."""
    with open_browser(settings) as browser:
        context = new_context(browser)
        page = current_page(context)
        page.set_content(FORM_PAGE)
        first = observe(page, screenshot=False)
        save_id = next(e.id for e in first.elements if e.name == "Save draft")
        click = Action(kind="click", element=save_id)
        raw_locator = page.locator("#save")
        for _ in range(3):  # warm-up: JIT, caches
            raw_locator.click()
            act(page, click)
        raw, observe_only, with_shot, act_only, observe_act, round_trip = [], [], [], [], [], []
        for _ in range(rounds):  # interleaved so machine noise hits every series alike
            raw.append(_time(raw_locator.click))
            observe_only.append(_time(lambda: observe(page, screenshot=False)))
            act_only.append(_time(lambda: act(page, click)))
            observe_act.append(_time(lambda: (observe(page, screenshot=False), act(page, click))))
            with_shot.append(_time(lambda: observe(page, screenshot=True)))
            round_trip.append(_time(lambda: page.evaluate("1")))  # the floor of any call into the page
        final = observe(page, screenshot=False)
        context.close()
    result: dict[str, object] = {
        "rounds": rounds,
        "elements": len(final.elements),
        "observation_tokens": estimate_tokens(final.text),
        "round_trip_ms": _median_ms(round_trip),
        "raw_click_ms": _median_ms(raw),
        "observe_ms": _median_ms(observe_only),
        "observe_with_screenshot_ms": _median_ms(with_shot),
        "act_click_ms": _median_ms(act_only),
        "observe_act_ms": _median_ms(observe_act),
    }
    raw_ms = float(result["raw_click_ms"])  # type: ignore[arg-type]
    result["ratio_observe_act_vs_raw"] = round(float(result["observe_act_ms"]) / raw_ms, 2)  # type: ignore[arg-type]
    result["ratio_act_vs_raw"] = round(float(result["act_click_ms"]) / raw_ms, 2)  # type: ignore[arg-type]
    return result
