"""Seed the migrated Wagtail DB: people and groups, a News section with articles, collections, redirects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from realapps.sessions import make_sessions
from realapps.wagtail_cms.data import ARTICLES, COLLECTIONS, NEWS_INDEX_TITLE, PEOPLE, REDIRECTS


def seed() -> dict[str, Any]:
    from django.contrib.auth.models import Group, User
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.models import Collection, Page, Site

    from realapps.wagtail_cms.news.models import NewsIndexPage, NewsPage

    users = {}
    for person in PEOPLE:
        user = User.objects.create_user(
            person.username, person.email, person.password, first_name=person.first, last_name=person.last
        )
        if not person.group and person is PEOPLE[0]:
            user.is_superuser = user.is_staff = True
            user.save()
        elif person.group:
            user.groups.add(Group.objects.get(name=person.group))
        users[person.username] = user
    home = Page.objects.get(depth=2)
    home.title = "Northwind"
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Northwind News"
    site.save()
    index = home.add_child(instance=NewsIndexPage(title=NEWS_INDEX_TITLE, slug="news", intro="Company news."))
    index.save_revision().publish()
    editor, admin = users["ed.morris"], users[PEOPLE[0].username]
    for title, date, intro, state in ARTICLES:
        page = NewsPage(title=title, date=dt.date.fromisoformat(date), intro=intro, body=f"<p>{intro}</p>")
        page.live = state is True
        index.add_child(instance=page)
        revision = page.save_revision(user=editor)
        if state is True:
            revision.publish(user=admin)
        elif state == "moderation":
            page.get_workflow().start(page, editor)
    root = Collection.get_first_root_node()
    for name in COLLECTIONS:
        root.add_child(instance=Collection(name=name))
    for old_path, link in REDIRECTS:
        Redirect.objects.create(old_path=old_path, redirect_link=link, is_permanent=True)
    staff = [users[p.username] for p in PEOPLE if p.group or p is PEOPLE[0]]
    return {"sessions": make_sessions(staff), "session_cookie": "sessionid"}
