"""Serve the three demo apps from one Starlette process: /helpdesk, /clinic, /procurement.

`DemoServer` runs uvicorn in a background thread so tests, benchmarks and `eclair demo` can start the apps
in-process; `eclair serve-demos` runs it in the foreground.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from demos.clinic.app import APP as CLINIC
from demos.clinic.app import clinic_mount
from demos.common import DEMO_DIR, DEMO_PASSWORD, DemoApp
from demos.helpdesk.app import APP as HELPDESK
from demos.helpdesk.app import helpdesk_mount
from demos.procurement.app import APP as PROCUREMENT
from demos.procurement.app import procurement_mount
from eclair.errors import EclairError

log = logging.getLogger(__name__)
APPS: dict[str, DemoApp] = {"helpdesk": HELPDESK, "clinic": CLINIC, "procurement": PROCUREMENT}


class DemoServerError(EclairError):
    """The demo server could not start (usually: the port is taken)."""


async def index(request: Request) -> Response:
    links = "".join(f'<li><a href="/{name}/">{app.title}</a></li>' for name, app in APPS.items())
    users = ", ".join(sorted({u for app in APPS.values() for u in app.users}))
    return HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>eclair demo apps</title>"
        "<link rel='stylesheet' href='/static/demo.css'></head><body><main><h1>eclair demo apps</h1>"
        f"<ul>{links}</ul><p>Sign in as one of: {users}.</p></main></body></html>"
    )


def build_app() -> Starlette:
    """The ASGI app with every demo mounted under its name and the shared static files."""
    mounts: list[Route | Mount] = [Route("/", index), Mount("/static", StaticFiles(directory=DEMO_DIR / "static"))]
    mounts += [helpdesk_mount(), clinic_mount(), procurement_mount()]
    return Starlette(routes=mounts)


class DemoServer:
    """Run the demo apps on 127.0.0.1 in a background thread; `port=0` picks a free port.

    with DemoServer() as server:
        page.goto(server.base_url + "/helpdesk/")
    """

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> DemoServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise DemoServerError(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror}); pick another --port"
            ) from None
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(build_app(), log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name="demo-server"
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise DemoServerError(f"demo server did not start on {self.base_url}; see the log above")
            time.sleep(0.02)
        log.info("demo apps at %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


__all__ = ["APPS", "DEMO_PASSWORD", "DemoServer", "build_app"]
