"""nameko's HTTP entrypoint, listening on its port alone.

nameko's web server listens through eventlet's `listen`, which sets SO_REUSEPORT unless told
not to: a second process started on a port already in use (another service, or the same one
not yet stopped) started without error, and the kernel shared the requests between the two,
so a client's answers came from either. Every HTTP entrypoint of coso is declared with the
`http` here instead, whose server listens without it: such a process stops at start, saying
which address is in use.
"""

from __future__ import annotations

import eventlet
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer


class PortInUse(OSError):
    """The address a service's HTTP server is configured on is taken."""


class ExclusiveWebServer(WebServer):
    """nameko's `WebServer`, its socket bound without SO_REUSEPORT."""

    def start(self) -> None:
        if self._starting:  # type: ignore[has-type]  # set by nameko's __init__, untyped
            return
        host, port = self.bind_addr
        try:
            sock = eventlet.listen(self.bind_addr, reuse_port=False)
        except OSError as error:
            raise PortInUse(
                error.errno,
                f"the HTTP server cannot listen on {host}:{port} ({error.strerror}): "
                "another process holds that address; stop it or configure another port",
            ) from error
        self._starting = True
        self._sock = sock
        self._sock.settimeout(None)  # as nameko does: kombu#838
        self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
        self._gt = self.container.spawn_managed_thread(self.run)


class HttpEntrypoint(HttpRequestHandler):
    """nameko's `http` entrypoint on an `ExclusiveWebServer`."""

    server = ExclusiveWebServer()


http = HttpEntrypoint.decorator
