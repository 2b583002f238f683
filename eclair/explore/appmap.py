"""The app map: what a read-only crawl found — pages by URL pattern, their forms, tables, buttons and links."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

_ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{24,}|[A-Z]{1,4}-\d+)$", re.IGNORECASE)


class FieldInfo(BaseModel):
    """One form field: its label as a person reads it, its name, kind (text, select, date, …) and choices."""

    label: str
    name: str = ""
    kind: str = "text"
    required: bool = False
    options: list[str] = Field(default_factory=list)
    value: str = ""
    min: float | None = None
    max: float | None = None
    suggests: bool = False  # a combobox or autocomplete: its value names a record the app already has


class FormInfo(BaseModel):
    """A form on a page: where it submits, its fields and its buttons."""

    action: str
    method: str = "get"
    fields: list[FieldInfo] = Field(default_factory=list)
    buttons: list[str] = Field(default_factory=list)

    @property
    def writes(self) -> bool:
        """A POST form changes the app's state; a GET form searches or filters."""
        return self.method == "post"


class TableInfo(BaseModel):
    """A list of records: its columns, how many rows were seen, links out of its rows and a few sample rows."""

    columns: list[str] = Field(default_factory=list)
    rows: int = 0
    row_links: list[str] = Field(default_factory=list)
    row_hrefs: list[str] = Field(default_factory=list)  # each sampled row's first link ("" when none)
    sample: list[list[str]] = Field(default_factory=list)


class PageInfo(BaseModel):
    """Every URL of one pattern (`/helpdesk/tickets/{id}`) seen as one page, with the first visit's structure."""

    pattern: str
    urls: list[str] = Field(default_factory=list)
    title: str = ""
    headings: list[str] = Field(default_factory=list)
    forms: list[FormInfo] = Field(default_factory=list)
    tables: list[TableInfo] = Field(default_factory=list)
    buttons: list[str] = Field(default_factory=list)
    links_to: list[str] = Field(default_factory=list)  # patterns this page links to

    @property
    def is_record(self) -> bool:
        return "{id}" in self.pattern


class AppMap(BaseModel):
    """A whole app as the crawl found it; stored in the database under `name`."""

    name: str
    base_url: str
    pages: dict[str, PageInfo] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)  # URLs not followed, with the reason
    login: dict[str, str] | None = None  # username and the env var holding the password (never the password)

    def forms(self) -> list[tuple[PageInfo, FormInfo]]:
        return [(page, form) for page in self.pages.values() for form in page.forms]

    def counts(self) -> dict[str, int]:
        """Coverage figures: pages, record pages, forms (writing ones), fields, tables."""
        forms = self.forms()
        return {
            "pages": len(self.pages),
            "record_pages": sum(page.is_record for page in self.pages.values()),
            "forms": len(forms),
            "write_forms": sum(form.writes for _, form in forms),
            "fields": sum(len(form.fields) for _, form in forms),
            "tables": sum(len(page.tables) for page in self.pages.values()),
        }

    def describe(self) -> str:
        """A readable outline, one page per block (what `eclair explore show` prints)."""
        lines = [f"{self.name}  {self.base_url}  " + ", ".join(f"{v} {k}" for k, v in self.counts().items())]
        for page in sorted(self.pages.values(), key=lambda p: p.pattern):
            lines.append(f"\n{page.pattern}  ({len(page.urls)} seen)  {page.title}")
            for form in page.forms:
                fields = ", ".join(_field_text(f) for f in form.fields)
                lines.append(f"  form {form.method.upper()} -> {url_pattern(form.action)}: {fields}")
                if form.buttons:
                    lines.append(f"    buttons: {', '.join(form.buttons)}")
            for table in page.tables:
                lines.append(f"  table {table.rows} rows: {' | '.join(table.columns)}")
            if page.buttons:
                lines.append(f"  buttons: {', '.join(page.buttons[:12])}")
        return "\n".join(lines)


def _field_text(field: FieldInfo) -> str:
    text = f"{field.label or field.name} ({field.kind}{', required' if field.required else ''})"
    if field.options:
        shown = ", ".join(field.options[:5]) + (", …" if len(field.options) > 5 else "")
        text += f" [{shown}]"
    return text


def url_pattern(url: str) -> str:
    """The page a URL is an instance of: its path, with id-like segments as `{id}` (paging, sorting and
    filtering queries show the same page)."""
    segments = ["{id}" if _ID_SEGMENT.match(s) else s for s in urlsplit(url).path.split("/")]
    return "/".join(segments)
