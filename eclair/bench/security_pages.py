"""Demo pages for the secret-leak bench: each puts a typed secret somewhere an artifact could catch it.

One threaded HTTP server on a free port. Every page uses one monospace font so the bench can render a secret
the same way and look for it in screenshots by template matching (no OCR).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

FONT_CSS = "body, input, textarea, button, select, p, b, span { font: 18px 'DejaVu Sans Mono', monospace; }"


def _page(title: str, body: str, script: str = "") -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{FONT_CSS} .err {{ color: #b00; }}</style></head><body>{body}"
        f"<script>{script}</script></body></html>"
    )


def _form(action: str, method: str, field: str, label: str, button: str, kind: str = "text") -> str:
    return (
        f"<form action='{action}' method='{method}'><label>{label} "
        f"<input type='{kind}' name='{field}' aria-label='{label}'></label> "
        f"<button type='submit'>{button}</button></form>"
    )


def _esc(value: str) -> str:
    return html.escape(value)


Handler = Callable[[dict[str, str]], tuple[str, dict[str, str]]]  # form fields -> (html, extra headers)

PAGES: dict[str, Handler] = {
    "/plain": lambda q: (_page("Profile", "<h1>Profile</h1><label>Token <input aria-label='Token'></label>"), {}),
    "/password": lambda q: (_page("Sign in", _form("/signed-in", "post", "pw", "Password", "Sign in", "password")), {}),
    "/signed-in": lambda q: (_page("Signed in", "<h1>Welcome back</h1><p>You are signed in.</p>"), {}),
    "/echo": lambda q: (_page("Rename", _form("/echoed", "post", "name", "Name", "Save")), {}),
    "/echoed": lambda q: (_page("Saved", f"<h1>Saved</h1><p>You entered: {_esc(q.get('name', ''))}</p>"), {}),
    "/query": lambda q: (_page("Search", _form("/results", "get", "q", "Query", "Search")), {}),
    "/results": lambda q: (_page("Results", "<h1>Results</h1><p>No matches.</p>"), {}),
    "/error": lambda q: (_page("Redeem", _form("/rejected", "post", "code", "Code", "Redeem")), {}),
    "/rejected": lambda q: (
        _page("Error", f"<p class='err' role='alert'>Error: code {_esc(q.get('code', ''))} is invalid</p>"),
        {},
    ),
    "/download": lambda q: (_page("Export", _form("/file", "get", "name", "Report name", "Export")), {}),
    "/file": lambda q: (
        f"report for {q.get('name', '')}\n",
        {
            "Content-Type": "text/plain",
            "Content-Disposition": f"attachment; filename*=UTF-8''report-{quote(q.get('name', ''), safe='')}.txt",
        },
    ),
    "/title": lambda q: (
        _page("Draft", "<label>Subject <input aria-label='Subject' id='s'></label>"),
        {},
    ),
    "/dialog": lambda q: (
        _page("Notes", "<label>Note <input aria-label='Note' id='n'></label> <button id='b'>Save note</button>"),
        {},
    ),
    "/frame": lambda q: (
        _page("Frame host", "<h1>Host</h1><iframe src='/echo' width='700' height='300'></iframe>"),
        {},
    ),
    "/split": lambda q: (_page("Split", _form("/split-echo", "post", "v", "Value", "Save")), {}),
    "/split-echo": lambda q: (
        _page("Saved", f"<p>Saved <span>{_esc(q.get('v', '')[:4])}</span><span>{_esc(q.get('v', '')[4:])}</span></p>"),
        {},
    ),
    "/live": lambda q: (
        _page("Preview", "<label>Body <textarea aria-label='Body' id='t'></textarea></label><p id='p'></p>"),
        {},
    ),
    "/attr": lambda q: (_page("Store", _form("/attr-saved", "post", "key", "Key", "Store")), {}),
    "/attr-saved": lambda q: (
        _page(
            "Stored",
            f"<p data-key='{_esc(q.get('key', ''))}'>Stored.</p><input type='hidden' value='{_esc(q.get('key', ''))}'>"
            f"<a href='/attr?prefill={quote(q.get('key', ''), safe='')}'>Store another</a>",
        ),
        {},
    ),
    "/otp": lambda q: (_page("Two-factor", _form("/otp-ok", "post", "code", "Authentication code", "Verify")), {}),
    "/otp-ok": lambda q: (_page("Verified", f"<p>Code {_esc(q.get('code', ''))} accepted.</p>"), {}),
    "/choose": lambda q: (
        _page(
            "Plan", "<label>Plan <select aria-label='Plan'><option>Basic</option><option>Pro</option></select></label>"
        ),
        {},
    ),
    "/tab": lambda q: (_page("Share", _form("/shared", "get", "t", "Share code", "Open share")), {}),
    "/shared": lambda q: (_page(f"Share {q.get('t', '')}", "<h1>Shared</h1>"), {}),
}

SCRIPTS = {
    "/title": "document.getElementById('s').addEventListener('input', e => "
    "document.title = 'Draft: ' + e.target.value);",
    "/dialog": "document.getElementById('b').onclick = () => alert('Saved ' + document.getElementById('n').value);",
    "/live": "document.getElementById('t').addEventListener('input', e => "
    "document.getElementById('p').textContent = e.target.value);",
    "/tab": "document.querySelector('form').target = '_blank';",
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet: the bench prints its own table
        pass

    def _reply(self, fields: dict[str, str]) -> None:
        path = urlparse(self.path).path
        handler = PAGES.get(path)
        if handler is None:
            self.send_error(404)
            return
        body, headers = handler(fields)
        if path in SCRIPTS:
            body = body.replace("<script></script>", f"<script>{SCRIPTS[path]}</script>")
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", headers.pop("Content-Type", "text/html; charset=utf-8"))
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        self._reply({k: v[0] for k, v in query.items()})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        self._reply({k: v[0] for k, v in form.items()})


@contextmanager
def serve_leak_pages() -> Iterator[str]:
    """Serve the pages on 127.0.0.1 at a free port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="leak-pages")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
