"""Every real-app workflow, the dev/holdout split (by workflow, never by seed) and env construction."""

from __future__ import annotations

from realapps.oscar_shop.workflows import WORKFLOWS as SHOP
from realapps.spec import RealAppEnv, RealWorkflow
from realapps.wagtail_cms.workflows import WORKFLOWS as CMS

WORKFLOWS: dict[str, RealWorkflow] = {w.id: w for w in CMS + SHOP}
SUITES: dict[str, list[str]] = {
    "dev": [w.id for w in WORKFLOWS.values() if w.split == "dev"],
    "holdout": [w.id for w in WORKFLOWS.values() if w.split == "holdout"],
    "all": list(WORKFLOWS),
    "smoke": ["shop-add-partner"],
}
APPS = {"wagtail_cms": "Wagtail CMS admin", "oscar_shop": "django-oscar shop (dashboard and storefront)"}


def make_env(workflow_id: str) -> RealAppEnv:
    return RealAppEnv(WORKFLOWS[workflow_id])
