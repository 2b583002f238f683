"""observe() finds click targets that have no text or share a box: icons, tree items, side-by-side blocks."""

from __future__ import annotations

from typing import Any

from eclair.browser import act, observe
from eclair.types import Action

_SVG = "data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2212%22 height=%2212%22/%3E"


def named(obs: Any, role: str) -> list[str]:
    return [e.name for e in obs.elements if e.role == role]


def test_icons_without_text_are_named_by_class_id_or_file(page: Any) -> None:
    icon = f'display:inline-block;width:12px;height:12px;content:url("{_SVG}")'
    page.set_content(
        f"""<div><span class="star" style='{icon};cursor:pointer'></span>
        <span id="send-reply" style='{icon};cursor:pointer'></span>
        <span class="like" style='{icon}'></span>
        <img src="trash-can.png" width="12" height="12">
        <span class="spacer" style="display:inline-block;width:12px;height:12px"></span>
        <img src="banner.png" width="300" height="80"></div>"""
    )
    obs = observe(page, screenshot=False)
    # one role with or without the pointer (a hover must not change it); the agent clicks small named images
    assert named(obs, "img") == ["star", "send reply", "like", "trash can"]
    assert named(obs, "clickable") == []
    assert not any("spacer" in e.name or "banner" in e.name for e in obs.elements)  # no image / not icon-sized


def test_hidden_menu_text_stays_out_until_shown(page: Any) -> None:
    page.set_content(
        """<div class="post"><div>Carmella @consectetur</div><div class="controls">
        <span><span class="more" style="cursor:pointer">more</span>
        <ul style="display:none"><li>Mute</li><li>Block @consectetur</li></ul></span></div></div>"""
    )
    before = observe(page, screenshot=False)
    assert not any("Block" in e.name for e in before.elements)
    page.evaluate("document.querySelector('ul').style.display = 'block'")
    after = observe(page, screenshot=False)
    assert named(after, "listitem") == ["Mute", "Block @consectetur"]
    assert not any(e.role == "text" and "Block" in e.name for e in after.elements)  # not folded into a line


def test_nested_tree_items_are_targets_of_their_own(page: Any) -> None:
    page.set_content(
        """<style>li { cursor: pointer; }</style><ul id="tree">
        <li><span>Alan</span><ul><li><span>Leonie</span></li><li><span>Deneen</span></li></ul></li>
        <li><span>Chas</span></li></ul>"""
    )
    obs = observe(page, screenshot=False)
    assert named(obs, "clickable") == ["Alan", "Leonie", "Deneen", "Chas"]


def test_side_by_side_blocks_in_one_pointer_box_are_separate_targets(page: Any) -> None:
    page.set_content(
        """<style>.send { cursor: pointer; text-align: center; } .send span { display: inline-block; width: 50px; }
        .pay { cursor: pointer; }</style>
        <div class="send"><span class="r"><div>Reply</div></span><span class="f"><div>Forward</div></span></div>
        <div class="pay"><span>Pay</span> <span>now</span></div><p id="out"></p>
        <script>
          document.querySelector('.r').onclick = () => { document.getElementById('out').textContent = 'reply'; };
          document.querySelector('.f').onclick = () => { document.getElementById('out').textContent = 'forward'; };
        </script>"""
    )
    obs = observe(page, screenshot=False)
    assert named(obs, "clickable") == ["Reply", "Forward", "Pay now"]  # plain inline words stay one target
    forward = next(e for e in obs.elements if e.name == "Forward")
    assert act(page, Action(kind="click", element=forward.id)).ok
    assert page.text_content("#out") == "forward"


def test_text_lines_of_a_pointer_row_without_text_of_its_own_are_clickable(page: Any) -> None:
    page.set_content(
        """<style>.row { cursor: pointer; border-bottom: 1px solid #ccc; }</style>
        <div class="row"><div>Audrey</div><div>Quarterly report</div></div><div>Plain note</div>"""
    )
    obs = observe(page, screenshot=False)
    assert named(obs, "clickable") == ["Audrey", "Quarterly report"]
    assert named(obs, "text") == ["Plain note"]


def test_a_focusable_list_whose_items_show_the_pointer_offers_the_items(page: Any) -> None:
    page.set_content(
        """<style>li { cursor: pointer; }</style><input id="q">
        <ul tabindex="0"><li><div>Andorra</div></li><li><div>Antarctica</div></li></ul>
        <div tabindex="0">Focusable widget</div>"""
    )
    obs = observe(page, screenshot=False)
    assert named(obs, "clickable") == ["Andorra", "Antarctica", "Focusable widget"]


def test_fields_with_their_own_suggestion_list_say_so(page: Any) -> None:
    page.set_content(
        """<input id="a" autocomplete="off" placeholder="From"><input id="b" aria-autocomplete="list" placeholder="To">
        <input id="c" autocomplete="username" placeholder="User">"""
    )
    states = {e.placeholder: e.states for e in observe(page, screenshot=False).elements}
    assert "autocomplete" in states["From"] and "autocomplete" in states["To"]
    assert "autocomplete" not in states["User"]


def test_an_icon_keeps_its_role_and_id_while_the_mouse_is_over_it(page: Any) -> None:
    icon = f'display:inline-block;width:14px;height:14px;content:url("{_SVG}")'
    page.set_content(f"<style>.reply:hover {{ cursor: pointer; }}</style><span class='reply' style='{icon}'></span>")
    before = [(e.id, e.role, e.name) for e in observe(page, screenshot=False).elements]
    page.hover(".reply")
    after = [(e.id, e.role, e.name) for e in observe(page, screenshot=False).elements]
    assert before == after == [(before[0][0], "img", "reply")]
