"""The intended change of each CMS workflow, and an almost-right one, made through Wagtail's own models.

Only the checker self-tests call these (inside a Django process); agents never see them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from realapps.checks import other
from realapps.spec import Params
from realapps.wagtail_cms.data import ADMIN, COLLECTIONS, MODERATORS


def _admin() -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=ADMIN.username)


def _article(title: str) -> Any:
    from realapps.wagtail_cms.news.models import NewsPage

    return NewsPage.objects.get(title=title)


def _add_article(title: str, date: str, *, publish: bool, owner: Any = None) -> Any:
    from realapps.wagtail_cms.news.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.get()
    page = index.add_child(instance=NewsPage(title=title, date=dt.date.fromisoformat(date), live=False, owner=owner))
    revision = page.save_revision(user=owner or _admin())
    if publish:
        revision.publish(user=_admin())
    return page


def _edit(article_title: str, *, publish: bool = True, **fields: Any) -> None:
    page = _article(article_title)
    for name, value in fields.items():
        setattr(page, name, value)
    revision = page.save_revision(user=_admin())
    if publish:
        revision.publish(user=_admin())


def cms_publish_article(p: Params) -> None:
    _add_article(p["title"], p["date"], publish=True)


def cms_publish_article_near(p: Params) -> None:
    _add_article(p["title"], p["date"], publish=False)  # saved as a draft only


def cms_retitle_article(p: Params) -> None:
    _edit(p["old"], title=p["new"])


def cms_retitle_article_near(p: Params) -> None:
    _edit(p["old"], title=p["new"], publish=False)  # the new title waits in a draft


def cms_unpublish_article(p: Params) -> None:
    _article(p["title"]).unpublish(user=_admin())


def cms_unpublish_article_near(p: Params) -> None:
    _article(p["title"]).delete()  # deleted, not unpublished


def _add_collection(name: str, parent: str) -> None:
    from wagtail.models import Collection

    Collection.objects.get(name=parent).add_child(instance=Collection(name=name))


def cms_create_collection(p: Params) -> None:
    _add_collection(p["name"], p["parent"])


def cms_create_collection_near(p: Params) -> None:
    _add_collection(p["name"], other(random.Random(p["name"]), COLLECTIONS, p["parent"]))


def _user(username: str) -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username=username)


def cms_submit_for_moderation(p: Params) -> None:
    page = _add_article(p["title"], p["date"], publish=False, owner=_user(p["username"]))
    page.get_workflow().start(page, _user(p["username"]))


def cms_submit_for_moderation_near(p: Params) -> None:
    _add_article(p["title"], p["date"], publish=False, owner=_user(p["username"]))  # a draft nobody will review


def _redirect(old_path: str, url: str, permanent: bool) -> None:
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.create(old_path=Redirect.normalise_path(old_path), redirect_link=url, is_permanent=permanent)


def cms_add_redirect(p: Params) -> None:
    _redirect(p["old_path"], p["url"], True)


def cms_add_redirect_near(p: Params) -> None:
    _redirect(p["old_path"], p["url"], False)  # temporary, not permanent


def cms_approve_moderation(p: Params) -> None:
    page = _article(p["title"])
    page.current_workflow_state.current_task_state.approve(user=_user(MODERATORS[0].username))


def cms_approve_moderation_near(p: Params) -> None:
    page = _article(p["title"])
    page.current_workflow_state.current_task_state.reject(user=_user(MODERATORS[0].username))


def _create_user(p: Params, group: str) -> None:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        p["username"], p["email"], p["password"], first_name=p["first"], last_name=p["last"]
    )
    user.groups.add(Group.objects.get(name=group))


def cms_create_user(p: Params) -> None:
    _create_user(p, "Editors")


def cms_create_user_near(p: Params) -> None:
    _create_user(p, "Moderators")


def _rename_site(name: str) -> None:
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(site_name=name)


def cms_rename_site(p: Params) -> None:
    _rename_site(p["name"])


def cms_rename_site_near(p: Params) -> None:
    _rename_site(p["name"].replace("Northwind", "Northwnd"))  # a typo


def cms_search_description(p: Params) -> None:
    _edit(p["title"], search_description=p["text"])


def cms_search_description_near(p: Params) -> None:
    _edit(p["title"], seo_title=p["text"])  # the wrong field of the Promote tab


def _set_groups(username: str, *groups: str) -> None:
    from django.contrib.auth.models import Group

    _user(username).groups.set(Group.objects.filter(name__in=groups))


def cms_add_moderator(p: Params) -> None:
    _set_groups(p["username"], "Editors", "Moderators")


def cms_add_moderator_near(p: Params) -> None:
    _set_groups(p["username"], "Moderators")  # dropped from Editors


def cms_redate_article(p: Params) -> None:
    _edit(p["title"], date=dt.date.fromisoformat(p["date"]))


def cms_redate_article_near(p: Params) -> None:
    day = dt.date.fromisoformat(p["date"])
    _edit(p["title"], date=day.replace(year=day.year + 1))  # the right day in the wrong year
