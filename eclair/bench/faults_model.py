"""An OpenAI-compatible server that misbehaves on purpose, for `eclair bench faults`.

It speaks the real protocol over HTTP (/v1/models, /v1/chat/completions, /v1/completions) on a free port. A request
without a reply schema (the agent's plan) gets a line of prose. While `mode` is "ok" it plays a scripted policy:
step N's reply is a valid agent reply that opens `<base>/plain?step=N`,
and after `steps` good replies it says done. The bench switches `mode` when the fault strikes:
- "sleep": answers only after `sleep_s` (past the client's timeout),
- "junk": a well-formed completion whose content is not the JSON the agent asked for,
- "bad-body": HTTP 200 with a body that is not JSON at all.
Only good replies advance the script, so a run resumed after the fault goes on where it stopped.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "misbehaving-policy"


@dataclass
class ServerState:
    base_url: str  # the demo pages the scripted policy opens
    steps: int
    mode: str = "ok"
    sleep_s: float = 5.0
    good_replies: int = 0
    requests: int = 0
    closing: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply_text(self) -> str:
        with self.lock:
            step = self.good_replies
            self.good_replies += 1
        if step >= self.steps:
            action: dict[str, Any] = {"kind": "done", "text": f"visited {self.steps} pages"}
        else:
            action = {"kind": "goto", "url": f"{self.base_url}/plain?step={step}"}
        return json.dumps({"rationale": f"scripted step {step}", "action": action, "expected_outcome": ""})


def _completion(text: str, chat: bool) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "finish_reason": "stop", "logprobs": None}
    if chat:
        choice["message"] = {"role": "assistant", "content": text}
    else:
        choice["text"] = text
    return {
        "id": f"cmpl-{time.monotonic_ns()}",
        "object": "chat.completion" if chat else "text_completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [choice],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:  # quiet
            pass

        def _send(self, body: bytes, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/v1/models"):
                model = {"id": MODEL, "object": "model", "owned_by": "eclair-bench", "max_model_len": 32768}
                self._send(json.dumps({"object": "list", "data": [model]}).encode())
            else:
                self._send(b'{"error": {"message": "not found"}}', 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = self.rfile.read(length)
            state.requests += 1
            chat = self.path.rstrip("/").endswith("/chat/completions")
            if not chat and not self.path.rstrip("/").endswith("/completions"):
                self._send(b'{"error": {"message": "not found"}}', 404)
                return
            if state.mode == "sleep":
                state.closing.wait(state.sleep_s)  # past the client's timeout: it has hung up, nobody to answer
                return
            if b"response_format" not in request and b"JSON schema" not in request:  # not a step decision
                self._send(json.dumps(_completion("Open each page in turn, then finish.", chat)).encode())
            elif state.mode == "bad-body":
                self._send(b'{"id": "x", "choices": [ {"message": ')  # cut off: not JSON
            elif state.mode == "junk":
                self._send(json.dumps(_completion("Sure! I would click the blue thing {{{ <|im_end|>", chat)).encode())
            else:
                self._send(json.dumps(_completion(state.reply_text(), chat)).encode())

    return Handler


@contextmanager
def misbehaving_server(base_url: str, steps: int) -> Iterator[tuple[str, ServerState]]:
    """Serve on a free port; yields (the server's /v1 URL, its state to switch modes with)."""
    state = ServerState(base_url=base_url, steps=steps)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="misbehaving-model", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", state
    finally:
        state.closing.set()
        server.shutdown()
        server.server_close()
