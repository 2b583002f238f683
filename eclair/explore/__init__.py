"""eclair.explore: learn an unseen app — map it read-only, propose tasks with known intended effects, attempt
them, verify the resulting state, and hand verified runs to replay/ and learn/."""

from eclair.explore.appmap import AppMap, FieldInfo, FormInfo, PageInfo, TableInfo, url_pattern
from eclair.explore.crawl import map_app
from eclair.explore.propose import ProposedTask, propose_tasks
from eclair.explore.session import Credentials, ExploreReport, LoginFailed, explore
from eclair.explore.verify import Verification, verify_task

__all__ = [
    "AppMap",
    "Credentials",
    "ExploreReport",
    "FieldInfo",
    "FormInfo",
    "LoginFailed",
    "PageInfo",
    "ProposedTask",
    "TableInfo",
    "Verification",
    "explore",
    "map_app",
    "propose_tasks",
    "url_pattern",
    "verify_task",
]
