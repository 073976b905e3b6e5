#!/usr/bin/env python3
"""A loopback HTTP server that serves one directory, also as an HTTP proxy.

tt-rss refuses feed URLs on 127.* (its SSRF filter), so the test instance is
configured with ``_HTTP_PROXY`` pointing here and subscribes to
``http://feeds.test/NAME.xml``: curl then sends the absolute URI
(``GET http://feeds.test/NAME.xml``) to this server, which ignores the host
and answers from the directory. Ordinary requests (``GET /NAME.xml``) work
the same way, so a test can look at what tt-rss sees.

Only plain files directly inside the directory are served (no ``..``, no
subdirectories, no symlinks out); anything else is 404. ``CONNECT`` (HTTPS
through the proxy) is refused, so nothing ever leaves the machine.

Usage: ``feedserver.py DIR [--port N] [--log FILE]``. It binds 127.0.0.1,
prints ``PORT=<n>`` on one line once it listens (the readiness signal a
starter reads), then closes stdout and logs one line per request to FILE.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

_TYPES = {".xml": "application/xml", ".json": "application/json", ".html": "text/html"}


class _Handler(BaseHTTPRequestHandler):
    root: ClassVar[Path]
    log_file: ClassVar[object]
    protocol_version = "HTTP/1.1"

    def _file(self) -> Path | None:
        # Proxy requests carry an absolute URI; only its path matters here.
        path = unquote(urlsplit(self.path).path)
        name = path.rsplit("/", 1)[-1]
        if not name or name.startswith(".") or path.count("/") != 1:
            return None
        candidate = self.root / name
        if candidate.is_symlink() or not candidate.is_file():
            return None
        return candidate

    def _answer(self, with_body: bool) -> None:
        found = self._file()
        if found is None:
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
        else:
            body = found.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", _TYPES.get(found.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_CONNECT(self) -> None:
        self.send_error(405, "no tunnels: this proxy only serves a local directory")

    def log_message(self, format: str, *args: object) -> None:
        agent = self.headers.get("User-Agent", "-") if self.headers else "-"
        line = f"{time.strftime('%H:%M:%S')} {format % args} {agent}\n"
        print(line, end="", file=self.log_file, flush=True)  # type: ignore[call-overload]


def main(argv: list[str]) -> int:
    """Serve DIR until terminated."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, default=Path(os.devnull))
    args = parser.parse_args(argv)
    _Handler.root = args.directory.resolve()
    _Handler.log_file = args.log.open("a", buffering=1)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _Handler)
    server.daemon_threads = True
    print(f"PORT={server.server_address[1]}", flush=True)
    # The starter reads one line and closes its end; later output goes to the log.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
