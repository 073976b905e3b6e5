"""Synthetic feeds and a fast loopback feed server, importable by every benchmark.

The documents and the in-thread asyncio server come from
``bench/_compare_feeds.py`` (the newsboat comparison) so that every benchmark
measures the very same feeds. This module adds :class:`ServerProcess`: the
same server in a child process, for benchmarks whose client runs in *this*
process (the poller), where a server thread would compete with the client for
the GIL and inflate its times.

    with ServerProcess(feeds=200, items=50) as server:
        urls = server.urls
        ...
        print(server.counters())  # {"requests": ..., "not_modified": ..., "bytes_sent": ...}

``python bench/feedgen.py --feeds 200 --items 50`` serves until interrupted and
prints the URL pattern, for manual runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _compare_feeds import FeedServer, render_feed

__all__ = ["FeedServer", "ServerProcess", "render_feed"]


def _serve(conn: Connection, feeds: int, items: int, seed: int) -> None:
    server = FeedServer()
    server.start()
    server.set_feeds(feeds, items, seed=seed)
    conn.send(server.port)
    while True:
        command = conn.recv()
        if command == "counters":
            conn.send(
                {
                    "requests": server.requests,
                    "not_modified": server.not_modified,
                    "bytes_sent": server.bytes_sent,
                }
            )
        elif command == "reset":
            server.reset_counters()
            conn.send(True)
        else:
            server.stop()
            conn.send(True)
            return


class ServerProcess:
    """:class:`FeedServer` with ``feeds`` × ``items`` documents in a child process."""

    def __init__(self, feeds: int, items: int = 50, seed: int = 1) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(
            target=_serve, args=(child, feeds, items, seed), name="feed-server", daemon=True
        )
        self._proc.start()
        self.port: int = self._conn.recv()
        self.urls = [f"http://127.0.0.1:{self.port}/feed/{n}.xml" for n in range(feeds)]

    def counters(self) -> dict[str, int]:
        """Requests, 304 answers and body bytes served since the last reset."""
        self._conn.send("counters")
        return self._conn.recv()

    def reset(self) -> None:
        """Zero the counters."""
        self._conn.send("reset")
        self._conn.recv()

    def close(self) -> None:
        """Stop the child."""
        if self._proc.is_alive():
            self._conn.send("stop")
            self._conn.recv()
            self._proc.join(timeout=5)

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()
    with ServerProcess(args.feeds, args.items) as server:
        print(f"serving {args.feeds} feeds at http://127.0.0.1:{server.port}/feed/N.xml")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
