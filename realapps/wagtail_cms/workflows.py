"""Twelve things a Wagtail site's editors, moderators and admins do, each with a checker that reads the CMS's DB.

Dev (studied): publish, retitle, unpublish, collection, submit for moderation, redirect.
Holdout (only run): approve moderation, create user, rename site, search description, add moderator, redate.
"""

from __future__ import annotations

import random
import sqlite3

from realapps.checks import first, pick_date, pick_person, rows, same_text
from realapps.spec import Params, RealWorkflow
from realapps.wagtail_cms import effects
from realapps.wagtail_cms.data import ADMIN, ARTICLES, COLLECTIONS, EDITORS, MODERATORS, PEOPLE

APP = "wagtail_cms"
ADMIN_HOME = "/admin/"
PUBLISHED = [a[0] for a in ARTICLES if a[3] is True]
IN_MODERATION = [a[0] for a in ARTICLES if a[3] == "moderation"]
HEADLINES = [
    "Warehouse team wins safety award",
    "New parental leave policy",
    "Spring hackathon results",
    "Solar panels on the Leeds roof",
    "Board appoints a new finance director",
    "Mentoring programme opens for sign-ups",
    "Customer portal gets a dark mode",
    "Charity run raises 8,000 euros",
]
WORDS = ["Annual", "Regional", "Partner", "Training", "Campaign", "Archive", "Launch", "Brand"]


def _news_page(db: sqlite3.Connection, title: str) -> dict | None:  # type: ignore[type-arg]
    return first(
        db,
        "SELECT p.*, n.date FROM wagtailcore_page p JOIN news_newspage n ON n.page_ptr_id = p.id "
        "WHERE lower(trim(p.title)) = lower(trim(?)) ORDER BY p.id DESC",
        title,
    )


def _published(page: dict, what: str) -> tuple[bool, str]:  # type: ignore[type-arg]
    if not page["live"]:
        return False, f"{what} exists but is not published"
    if page["has_unpublished_changes"]:
        return False, f"{what} has changes saved as a draft, not published"
    return True, f"{what} is published"


# -- dev ---------------------------------------------------------------------------------------------------------
def publish_params(rng: random.Random) -> Params:
    return {"title": rng.choice(HEADLINES), "date": pick_date(rng)}


def check_publish(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["title"])
    if page is None:
        return False, f"no news article titled {p['title']!r}"
    if page["date"] != p["date"]:
        return False, f"article date is {page['date']}, not {p['date']}"
    return _published(page, f"article {p['title']!r}")


def retitle_params(rng: random.Random) -> Params:
    return {"old": rng.choice(PUBLISHED), "new": rng.choice(HEADLINES)}


def check_retitle(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["new"])
    old_date = next(a[1] for a in ARTICLES if a[0] == p["old"])
    if page is None or page["date"] != old_date:
        return False, f"no article {p['old']!r} renamed to {p['new']!r}"
    if _news_page(db, p["old"]) is not None:
        return False, f"an article is still titled {p['old']!r}"
    return _published(page, f"renamed article {p['new']!r}")


def unpublish_params(rng: random.Random) -> Params:
    return {"title": rng.choice(PUBLISHED)}


def check_unpublish(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["title"])
    if page is None:
        return False, f"the article {p['title']!r} is gone (deleted, not unpublished)"
    if page["live"]:
        return False, f"the article {p['title']!r} is still live"
    still_live = {r["title"] for r in rows(db, "SELECT title FROM wagtailcore_page WHERE live = 1")}
    lost = [t for t in PUBLISHED if t != p["title"] and t not in still_live]
    return (False, f"other articles were unpublished too: {lost}") if lost else (True, "article unpublished")


def collection_params(rng: random.Random) -> Params:
    parent = rng.choice(COLLECTIONS)
    return {"name": f"{rng.choice(WORDS)} {rng.choice(['photos', 'logos', 'posters', 'PDFs'])}", "parent": parent}


def check_collection(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    made = [r for r in rows(db, "SELECT * FROM wagtailcore_collection") if same_text(r["name"], p["name"])]
    parent = first(db, "SELECT * FROM wagtailcore_collection WHERE name = ?", p["parent"])
    if not made:
        return False, f"no collection named {p['name']!r}"
    assert parent is not None, "the seeded parent collection is missing"
    inside = [r for r in made if r["path"].startswith(parent["path"]) and r["depth"] == parent["depth"] + 1]
    return (True, "collection created in its parent") if inside else (False, f"{p['name']!r} is not in {p['parent']!r}")


def moderation_params(rng: random.Random) -> Params:
    editor = rng.choice(EDITORS)
    return {**publish_params(rng), "username": editor.username, "password": editor.password}


def check_submitted(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["title"])
    if page is None:
        return False, f"no news article titled {p['title']!r}"
    if page["date"] != p["date"]:
        return False, f"article date is {page['date']}, not {p['date']}"
    author = first(db, "SELECT username FROM auth_user WHERE id = ?", page["owner_id"])
    if author is None or author["username"] != p["username"]:
        return False, f"the article was not written by {p['username']}"
    state = first(
        db, "SELECT status FROM wagtailcore_workflowstate WHERE object_id = ? ORDER BY id DESC", str(page["id"])
    )
    if state is None or state["status"] != "in_progress":
        return False, "the article was not submitted for moderation"
    return (False, "the article went live without moderation") if page["live"] else (True, "submitted for moderation")


def redirect_params(rng: random.Random) -> Params:
    slug = rng.choice(["spring-sale", "team-2024", "old-blog", "press-room", "jobs-archive", "events-2025"])
    return {
        "old_path": f"/{slug}",
        "url": f"https://www.northwind.example/{rng.choice(['about', 'press', 'careers'])}/",
    }


def _norm_path(path: str) -> str:
    return "/" + str(path or "").strip().strip("/").lower()


def check_redirect(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    found = [
        r for r in rows(db, "SELECT * FROM wagtailredirects_redirect") if _norm_path(r["old_path"]) == p["old_path"]
    ]
    if not found:
        return False, f"no redirect from {p['old_path']}"
    target = found[0]
    if (target["redirect_link"] or "").rstrip("/") != p["url"].rstrip("/"):
        return False, f"the redirect goes to {target['redirect_link'] or 'a page'}, not {p['url']}"
    return (True, "permanent redirect added") if target["is_permanent"] else (False, "the redirect is not permanent")


# -- holdout -----------------------------------------------------------------------------------------------------
def approve_params(rng: random.Random) -> Params:
    return {"title": rng.choice(IN_MODERATION)}


def check_approved(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["title"])
    if page is None:
        return False, f"no article titled {p['title']!r}"
    state = first(
        db, "SELECT status FROM wagtailcore_workflowstate WHERE object_id = ? ORDER BY id DESC", str(page["id"])
    )
    if state is None or state["status"] != "approved":
        return False, f"moderation of {p['title']!r} is {state['status'] if state else 'missing'}, not approved"
    return _published(page, f"article {p['title']!r}")


def user_params(rng: random.Random) -> Params:
    first_name, last_name = pick_person(rng)
    username = f"{first_name}.{last_name}".lower()
    return {
        "first": first_name,
        "last": last_name,
        "username": username,
        "email": f"{username}@northwind.example",
        "password": f"{rng.choice(WORDS)}-Rain-{rng.randint(10, 99)}",
    }


def check_user(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    user = first(db, "SELECT * FROM auth_user WHERE username = ?", p["username"])
    if user is None:
        return False, f"no user {p['username']}"
    for field, key in (("first_name", "first"), ("last_name", "last"), ("email", "email")):
        if not same_text(user[field], p[key]):
            return False, f"{field} is {user[field]!r}, not {p[key]!r}"
    groups = {r["name"] for r in rows(db, _GROUPS_SQL, user["id"])}
    return (True, "editor account created") if groups == {"Editors"} else (False, f"groups are {sorted(groups)}")


_GROUPS_SQL = "SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = ?"


def site_params(rng: random.Random) -> Params:
    return {"name": rng.choice(["Northwind Newsroom", "Northwind Stories", "Inside Northwind", "Northwind Today"])}


def check_site(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    names = [r["site_name"] for r in rows(db, "SELECT site_name FROM wagtailcore_site")]
    return (True, "site renamed") if any(same_text(n, p["name"]) for n in names) else (False, f"site names: {names}")


def description_params(rng: random.Random) -> Params:
    title = rng.choice(PUBLISHED)
    return {"title": title, "text": f"{title}: {rng.choice(['read the full story', 'the details', 'what it means'])}."}


def check_description(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["title"])
    if page is None:
        return False, f"no article titled {p['title']!r}"
    if not same_text(page["search_description"], p["text"]):
        return False, f"search description is {page['search_description']!r}"
    return _published(page, "the new search description")


def moderator_params(rng: random.Random) -> Params:
    editor = rng.choice(EDITORS)
    return {"first": editor.first, "last": editor.last, "username": editor.username}


def check_moderator(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    user = first(db, "SELECT id FROM auth_user WHERE username = ?", p["username"])
    groups = {r["name"] for r in rows(db, _GROUPS_SQL, user["id"])} if user else set()
    others = [m.username for m in PEOPLE if m.group != "Moderators" and m.username != p["username"]]
    promoted = {r["username"] for r in rows(db, _MODERATOR_SQL)} & set(others)
    if "Moderators" not in groups:
        return False, f"{p['username']} is in {sorted(groups)}, not Moderators"
    if "Editors" not in groups:
        return False, f"{p['username']} was taken out of Editors"
    return (False, f"others made moderators too: {sorted(promoted)}") if promoted else (True, "moderator added")


_MODERATOR_SQL = (
    "SELECT u.username FROM auth_user u JOIN auth_user_groups ug ON ug.user_id = u.id "
    "JOIN auth_group g ON g.id = ug.group_id WHERE g.name = 'Moderators'"
)


def redate_params(rng: random.Random) -> Params:
    return {"title": rng.choice(PUBLISHED), "date": pick_date(rng, 2025)}


def check_redate(db: sqlite3.Connection, p: Params) -> tuple[bool, str]:
    page = _news_page(db, p["title"])
    if page is None:
        return False, f"no article titled {p['title']!r}"
    if page["date"] != p["date"]:
        return False, f"article date is {page['date']}, not {p['date']}"
    return _published(page, "the new date")


def _wf(id: str, split: str, text: str, params, check, user: str | None = ADMIN.username, start: str = ADMIN_HOME):  # type: ignore[no-untyped-def]
    return RealWorkflow(
        id=id,
        app=APP,
        split=split,  # type: ignore[arg-type]
        description=text,
        start_path=start,
        make_params=params,
        check=check,
        effect=getattr(effects, id.replace("-", "_")),
        near_miss=getattr(effects, id.replace("-", "_") + "_near"),
        user=user,
    )


WORKFLOWS = [
    _wf(
        "cms-publish-article",
        "dev",
        "Add a news article titled '{title}' with the article date {date} to the News section and publish it.",
        publish_params,
        check_publish,
    ),
    _wf(
        "cms-retitle-article",
        "dev",
        "Rename the news article '{old}' to '{new}' and publish the change.",
        retitle_params,
        check_retitle,
    ),
    _wf(
        "cms-unpublish-article",
        "dev",
        "Unpublish the news article '{title}' (do not delete it).",
        unpublish_params,
        check_unpublish,
    ),
    _wf(
        "cms-create-collection",
        "dev",
        "Create a new collection called '{name}' inside the '{parent}' collection.",
        collection_params,
        check_collection,
    ),
    _wf(
        "cms-submit-for-moderation",
        "dev",
        "Sign in to the CMS as {username} with the password {{{{password}}}}, write a news article titled "
        "'{title}' dated {date} in the News section and submit it for moderation.",
        moderation_params,
        check_submitted,
        user=None,
        start="/admin/login/",
    ),
    _wf(
        "cms-add-redirect", "dev", "Add a permanent redirect from {old_path} to {url}.", redirect_params, check_redirect
    ),
    _wf(
        "cms-approve-moderation",
        "holdout",
        "Approve the news article '{title}', which is waiting for moderation, so it goes live.",
        approve_params,
        check_approved,
        user=MODERATORS[0].username,
    ),
    _wf(
        "cms-create-user",
        "holdout",
        "Create a CMS account for {first} {last}: username {username}, email {email}, "
        "password {{{{password}}}}, member of the Editors group only.",
        user_params,
        check_user,
    ),
    _wf(
        "cms-rename-site", "holdout", "Change the site name of the Northwind site to '{name}'.", site_params, check_site
    ),
    _wf(
        "cms-search-description",
        "holdout",
        "Set the search description of the news article '{title}' to '{text}' and publish it.",
        description_params,
        check_description,
    ),
    _wf(
        "cms-add-moderator",
        "holdout",
        "Add {first} {last} ({username}) to the Moderators group, keeping their other groups.",
        moderator_params,
        check_moderator,
    ),
    _wf(
        "cms-redate-article",
        "holdout",
        "Change the article date of the news article '{title}' to {date} and publish the change.",
        redate_params,
        check_redate,
    ),
]
