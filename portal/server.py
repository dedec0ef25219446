"""Running the platform in a background thread on loopback: for `counter-app --demo` and for
tests that need a real HTTP server (real sockets, real uvicorn), not an in-process client."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from forms.text import Text
from portal.app import create_app
from portal.errors import PortalError
from portal.settings import Settings, proxy_options


class BackgroundServer:
    """uvicorn serving `create_app(settings)` on 127.0.0.1 at a free port (or `port`).
    Use as a context manager; `url` is the base URL once started."""

    def __init__(self, settings: Settings, port: int = 0, host: str = "127.0.0.1") -> None:
        self.app = create_app(settings)
        self.host = host
        # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted connections only
        # when the listening socket says TCP, else every reply waits ~40 ms (delayed ACK).
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.port: int = self.sock.getsockname()[1]
        options = proxy_options(settings)
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", **options)  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, name="portal", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _serve(self) -> None:
        self.server.run(sockets=[self.sock])

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise PortalError(Text("平台未能启动。", "The platform did not start."))
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        self.sock.close()
        self.app.state.db.dispose()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
