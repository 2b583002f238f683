"""Generators of synthetic practice tasks: a page body, a task phrased in varied language, a hidden goal, and
the scripted solution. Every choice comes from the `random.Random` passed in, so a seed reproduces a task."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from eclair.bench.curriculum_builder import Builder, Generated, esc, q
from eclair.bench.curriculum_vocab import (
    APPS,
    BUTTONS,
    CHECKS,
    LINKS,
    RADIOS,
    SELECTS,
    TABS,
    TEXT_FIELDS,
)


def gen_click_button(rng: random.Random) -> Generated:
    b = Builder(rng)
    labels = rng.sample(BUTTONS, rng.randint(3, 7))
    target = rng.choice(labels)
    buttons = [b.button(label) for label in labels]
    target_cid = buttons[labels.index(target)][0]
    extra = b.text_field(rng.choice(list(TEXT_FIELDS)))[1] if rng.random() < 0.5 else ""
    widgets = extra + "<div>" + "".join(h for _, h in buttons) + "</div>"
    text = rng.choice(
        [
            f"Click the {q(target)} button.",
            f"Press {target}.",
            f"Hit the {q(target)} button.",
            f"Please click {target}.",
            f"Find the button labelled {q(target)} and click it.",
            f"Go ahead and press the {target} button.",
        ]
    )
    wrong = next(c for c, _ in buttons if c != target_cid)
    return Generated(
        "click-button",
        text,
        "Actions",
        b.page(rng.choice(APPS), "Actions", widgets),
        b.goal([], target_cid, {target_cid}),
        [{"kind": "click", "cid": target_cid}],
        [{"kind": "click", "cid": wrong}],
    )


def gen_click_link(rng: random.Random) -> Generated:
    b = Builder(rng)
    labels = rng.sample(LINKS, rng.randint(3, 6))
    target = rng.choice(labels)
    links = [(label, *b.link(label)) for label in labels]
    target_cid = next(c for label, c, _ in links if label == target)
    items = "".join(f"<li>{h}</li>" for _, _, h in links)
    text = rng.choice(
        [
            f"Click the link {q(target)}.",
            f"Follow the {q(target)} link.",
            f"Open the {target} link.",
            f"Navigate via the link that says {q(target)}.",
            f"Go to {target}.",
        ]
    )
    wrong = next(c for _, c, _ in links if c != target_cid)
    return Generated(
        "click-link",
        text,
        "Resources",
        b.page(rng.choice(APPS), "Resources", f"<ul>{items}</ul>"),
        b.goal([], target_cid, {target_cid}),
        [{"kind": "click", "cid": target_cid}],
        [{"kind": "click", "cid": wrong}],
    )


def gen_type_field(rng: random.Random) -> Generated:
    b = Builder(rng)
    names = rng.sample(list(TEXT_FIELDS), rng.randint(2, 4))
    target = rng.choice(names)
    value = TEXT_FIELDS[target](rng)
    fields = [(n, *b.text_field(n)) for n in names]
    target_cid = next(c for n, c, _ in fields if n == target)
    other_cid = next(c for n, c, _ in fields if n != target)
    text = rng.choice(
        [
            f"Type {q(value)} into the {target} field.",
            f"Enter {value} as the {target.lower()}.",
            f"Fill in {target} with {q(value)}.",
            f"Set the {target} field to {value}.",
            f"Put {q(value)} in the box for {target}.",
        ]
    )
    widgets = "<form onsubmit='return false'>" + "".join(h for _, _, h in fields) + "</form>"
    return Generated(
        "type-field",
        text,
        "Details",
        b.page(rng.choice(APPS), "Details", widgets),
        b.goal([{"cid": target_cid, "prop": "value", "equals": value}], None, set()),
        [{"kind": "type", "cid": target_cid, "text": value}],
        [{"kind": "type", "cid": other_cid, "text": value}],
    )


def gen_select(rng: random.Random) -> Generated:
    b = Builder(rng)
    names = rng.sample(list(SELECTS), rng.randint(1, 3))
    target = rng.choice(names)
    option = rng.choice(SELECTS[target])
    selects = [(n, *b.select(n, SELECTS[n])) for n in names]
    target_cid = next(c for n, c, _ in selects if n == target)
    other = rng.choice([o for o in SELECTS[target] if o != option])
    text = rng.choice(
        [
            f"Set {target} to {option}.",
            f"Choose {q(option)} from the {target} dropdown.",
            f"Select {option} as the {target.lower()}.",
            f"Pick {option} in the {target} menu.",
        ]
    )
    widgets = "".join(h for _, _, h in selects)
    return Generated(
        "select",
        text,
        "Preferences",
        b.page(rng.choice(APPS), "Preferences", widgets),
        b.goal([{"cid": target_cid, "prop": "value", "equals": option}], None, set()),
        [{"kind": "select", "cid": target_cid, "text": option}],
        [{"kind": "select", "cid": target_cid, "text": other}],
    )


def gen_checkboxes(rng: random.Random) -> Generated:
    b = Builder(rng)
    labels = rng.sample(CHECKS, rng.randint(3, 5))
    wanted = rng.sample(labels, rng.randint(1, min(3, len(labels) - 1)))
    boxes = [(label, *b.checkbox(label)) for label in labels]
    conditions = [{"cid": c, "prop": "checked", "equals": label in wanted} for label, c, _ in boxes]
    submit_label = rng.choice(["Submit", "Save", "Apply"])
    submit, submit_html = b.button(submit_label)
    listed = ", ".join(q(w) for w in wanted[:-1]) + (" and " if len(wanted) > 1 else "") + q(wanted[-1])
    text = rng.choice(
        [
            f"Tick {listed} and nothing else, then press {submit_label}.",
            f"Select only {listed}, then click {submit_label}.",
            f"Check the boxes for {listed} and submit with {submit_label}.",
        ]
    )
    solution = [{"kind": "check", "cid": c, "checked": True} for label, c, _ in boxes if label in wanted]
    solution.append({"kind": "click", "cid": submit})
    unwanted = next(c for label, c, _ in boxes if label not in wanted)
    widgets = "<fieldset>" + "".join(h for _, _, h in boxes) + "</fieldset>" + submit_html
    return Generated(
        "checkboxes",
        text,
        "Options",
        b.page(rng.choice(APPS), "Options", widgets),
        b.goal(conditions, submit, {submit}),
        solution,
        [{"kind": "check", "cid": unwanted, "checked": True}, *solution],
    )


def gen_radio(rng: random.Random) -> Generated:
    b = Builder(rng)
    group = rng.choice(list(RADIOS))
    option = rng.choice(RADIOS[group])
    radios = [(o, *b.checkbox(o, "radio", group)) for o in RADIOS[group]]
    target_cid = next(c for o, c, _ in radios if o == option)
    other_cid = next(c for o, c, _ in radios if o != option)
    text = rng.choice(
        [
            f"Choose the {option} option for {group.lower()}.",
            f"Select {q(option)} under {group}.",
            f"Mark {option} as the {group.lower()}.",
            f"Set {group.lower()} to {option}.",
        ]
    )
    widgets = f"<fieldset><legend>{esc(group)}</legend>" + "".join(h for _, _, h in radios) + "</fieldset>"
    return Generated(
        "radio",
        text,
        group,
        b.page(rng.choice(APPS), group, widgets),
        b.goal([{"cid": target_cid, "prop": "checked", "equals": True}], None, set()),
        [{"kind": "check", "cid": target_cid, "checked": True}],
        [{"kind": "check", "cid": other_cid, "checked": True}],
    )


def gen_tabs(rng: random.Random) -> Generated:
    b = Builder(rng)
    tabs = rng.sample(TABS, rng.randint(3, 4))
    target_tab = rng.choice(tabs[1:])  # never the tab that is open at the start
    heads, panels, panel_buttons = [], [], {}
    for i, name in enumerate(tabs):
        head_cid, head = b.button(
            name,
            neutral=True,
            attrs=f' role="tab" data-action="tab" data-arg="p{i}" aria-selected="{"true" if i == 0 else "false"}"',
        )
        heads.append((name, head_cid, head))
        labels = rng.sample(BUTTONS, 2)
        made = [(label, *b.button(label)) for label in labels]
        panel_buttons[name] = made
        hidden = "" if i == 0 else " hidden"
        panels.append(f'<div role="tabpanel" id="p{i}"{hidden}>' + "".join(h for _, _, h in made) + "</div>")
    target_label, target_cid, _ = rng.choice(panel_buttons[target_tab])
    tab_cid = next(c for n, c, _ in heads if n == target_tab)
    text = rng.choice(
        [
            f"In the {target_tab} tab, click {target_label}.",
            f"Switch to {target_tab} and press {target_label}.",
            f"Open the {target_tab} tab, then click the {q(target_label)} button.",
        ]
    )
    widgets = '<div role="tablist">' + "".join(h for _, _, h in heads) + "</div>" + "".join(panels)
    first_wrong = panel_buttons[tabs[0]][0][1]
    return Generated(
        "tabs",
        text,
        "Record",
        b.page(rng.choice(APPS), "Record", widgets),
        b.goal([], target_cid, {target_cid}),
        [{"kind": "click", "cid": tab_cid}, {"kind": "click", "cid": target_cid}],
        [{"kind": "click", "cid": first_wrong}],
    )


def gen_dialog(rng: random.Random) -> Generated:
    b = Builder(rng)
    action = rng.choice(["Delete", "Archive", "Publish", "Reset", "Merge"])
    confirm = rng.choice(["Confirm", "Yes", "OK", f"Yes, {action.lower()}"])
    opener, opener_html = b.button(action, neutral=True, attrs=' data-action="open" data-arg="dlg"')
    cancel, cancel_html = b.button(rng.choice(["Cancel", "No", "Keep it"]), attrs=' data-action="close" data-arg="dlg"')
    ok, ok_html = b.button(confirm, attrs=' data-action="close" data-arg="dlg"')
    taken = {action, confirm, "Confirm", "Cancel", "OK"}
    others = "".join(b.button(label)[1] for label in rng.sample([x for x in BUTTONS if x not in taken], 2))
    pair = [ok_html, cancel_html]
    rng.shuffle(pair)
    dialog = (
        f'<div class="backdrop" id="dlg" hidden><div role="dialog" aria-label="Confirm">'
        f"<p>Are you sure you want to {action.lower()} this item?</p>{''.join(pair)}</div></div>"
    )
    text = rng.choice(
        [
            f"{action} the item and confirm.",
            f"Click {action}, then confirm in the dialog.",
            f"{action} this record; answer {q(confirm)} when asked.",
        ]
    )
    widgets = f"<div>{opener_html}{others}</div>{dialog}"
    return Generated(
        "dialog",
        text,
        "Item",
        b.page(rng.choice(APPS), "Item", widgets),
        b.goal([{"cid": opener, "prop": "clicked", "equals": True}], ok, {ok}),
        [{"kind": "click", "cid": opener}, {"kind": "click", "cid": ok}],
        [{"kind": "click", "cid": opener}, {"kind": "click", "cid": cancel}],
    )


def gen_form(rng: random.Random) -> Generated:
    b = Builder(rng)
    n_fields = rng.randint(1, 5)
    kinds = [rng.choice(["text", "text", "select", "check"]) for _ in range(n_fields)]
    used: set[str] = set()
    rows: list[str] = []
    conditions: list[dict[str, Any]] = []
    solution: list[dict[str, Any]] = []
    phrases: list[str] = []
    for kind in kinds:
        if kind == "text":
            name = rng.choice([n for n in TEXT_FIELDS if n not in used])
            value = TEXT_FIELDS[name](rng)
            cid, row = b.text_field(name)
            conditions.append({"cid": cid, "prop": "value", "equals": value})
            solution.append({"kind": "type", "cid": cid, "text": value})
            phrases.append(rng.choice([f"{name} {q(value)}", f"{name.lower()} {value}", f"{name}: {value}"]))
        elif kind == "select":
            name = rng.choice([n for n in SELECTS if n not in used] or list(SELECTS))
            if name in used:
                continue
            value = rng.choice(SELECTS[name])
            cid, row = b.select(name, SELECTS[name])
            conditions.append({"cid": cid, "prop": "value", "equals": value})
            solution.append({"kind": "select", "cid": cid, "text": value})
            phrases.append(rng.choice([f"{name} {value}", f"{name}: {value}"]))
        else:
            name = rng.choice([n for n in CHECKS if n not in used])
            cid, row = b.checkbox(name)
            conditions.append({"cid": cid, "prop": "checked", "equals": True})
            solution.append({"kind": "check", "cid": cid, "checked": True})
            phrases.append(rng.choice([f"{q(name)} ticked", f"{q(name)} checked"]))
        used.add(name)
        rows.append(row)
    submit_label = rng.choice(["Submit", "Save", "Create", "Send", "Register"])
    submit, submit_html = b.button(submit_label)
    cancel, cancel_html = b.button(rng.choice(["Cancel", "Reset", "Clear"]))
    solution.append({"kind": "click", "cid": submit})
    pairs = ", ".join(phrases[:-1]) + (" and " if len(phrases) > 1 else "") + phrases[-1]
    text = rng.choice(
        [
            f"Fill in the form with {pairs}, then click {submit_label}.",
            f"Use {pairs}, then press {submit_label}.",
            f"Complete the form ({pairs}) and submit it with {submit_label}.",
        ]
    )
    heading = rng.choice(["New ticket", "New contact", "Order", "Registration", "Request"])
    widgets = "<form onsubmit='return false'>" + "".join(rows) + submit_html + cancel_html + "</form>"
    return Generated(
        "form",
        text,
        heading,
        b.page(rng.choice(APPS), heading, widgets),
        b.goal(conditions, submit, {submit}),
        solution,
        [{"kind": "click", "cid": cancel}],
    )


GENERATORS: dict[str, Callable[[random.Random], Generated]] = {
    "click-button": gen_click_button,
    "click-link": gen_click_link,
    "type-field": gen_type_field,
    "select": gen_select,
    "checkboxes": gen_checkboxes,
    "radio": gen_radio,
    "tabs": gen_tabs,
    "dialog": gen_dialog,
    "form": gen_form,
}
