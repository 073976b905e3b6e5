"""Poll feedparser's own test corpus through briefterm and compare titles (prints a report).

    .venv/bin/python bench/feedparser_corpus.py                 # download the sdist, full CLI run
    .venv/bin/python bench/feedparser_corpus.py --sdist /tmp/fpsrc/feedparser-6.0.12.tar.gz
    .venv/bin/python bench/feedparser_corpus.py --sdist FILE --direct   # parse_feed in-process

The sdist of feedparser (``pip download --no-deps --no-binary :all:``; never
committed) holds about 2,250 small feeds that its test suite reads: every
dialect, encoding, entity and HTML-sanitizing case its authors met. The
script unpacks them into a temporary directory and serves them over HTTP on
127.0.0.1 the way feedparser's own test server does (the ``Header:`` lines
in each file's leading comment become response headers; the compression
cases get their Content-Encoding). Then, in private XDG directories, it runs
the real CLI: ``briefterm import-opml`` with every URL, ``briefterm poll
--all``, ``briefterm feeds --json`` and ``briefterm list --json``.

It reports:

* **titles** — of the titles feedparser extracts (feed titles and entry
  titles, made comparable: HTML-typed ones reduced to their text, spaces
  collapsed) from the files it reads as well-formed (``bozo`` false), the
  share that briefterm stored for the same feed. Misses are listed by
  corpus folder, and ``--misses`` prints each one;
* **crashes** — a CLI command that exits with a traceback or "internal
  error", or a feed whose error is the poller's catch-all for an unexpected
  exception in the parser ("could not be parsed (SomeError)");
* **control characters** — C0/C1 controls (other than tab and newline),
  ESC, bidi overrides or lone surrogates in any stored string, read back
  through the store facade with the entries' content.

``--direct`` skips HTTP and the CLI and calls ``parse_feed`` on each file
with the same headers: seconds instead of minutes, for working on the
parser; the figure to report is the CLI one.
"""

from __future__ import annotations

import argparse
import collections
import html
import http.server
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

FEEDPARSER_VERSION = "6.0.12"
_HEADER = re.compile(rb"^Header:\s+([^:]+):(.+)$", re.MULTILINE)
# What sanitize.py promises never to leave in stored text.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)
_CRASH = re.compile(r"could not be parsed \(\w+\)|internal error|Traceback")


# -- the corpus ----------------------------------------------------------------


def fetch_sdist(dest: Path) -> Path:
    """Download feedparser's source distribution into ``dest`` with pip."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"feedparser=={FEEDPARSER_VERSION}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    return next(dest.glob("feedparser-*.tar.gz"))


def unpack_tests(sdist: Path, dest: Path) -> Path:
    """Extract the ``tests/`` folder of the sdist; returns the folder that holds ``tests``."""
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if "/tests/" in m.name and m.isfile()]
        archive.extractall(dest, members=members, filter="data")
    return next(dest.glob("feedparser-*"))


def corpus_files(root: Path) -> list[Path]:
    """Every test document (not the test runner), sorted."""
    return sorted(p for p in (root / "tests").rglob("*") if p.is_file() and p.suffix != ".py")


def headers_for(root: Path, path: Path) -> dict[str, str]:
    """The response headers feedparser's test server sends for ``path``."""
    rel = path.relative_to(root).as_posix()
    if rel.startswith("tests/compression"):
        encoding = "gzip" if rel.endswith("gz") else "deflate"
        return {"Content-Encoding": encoding, "Content-type": "application/xml"}
    found = {
        k.decode("utf-8").strip(): v.decode("utf-8").strip()
        for k, v in _HEADER.findall(path.read_bytes())
    }
    found.setdefault("Content-type", "application/xml")
    return found


# -- the server ----------------------------------------------------------------


def _handler(root: Path) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = (root / self.path.lstrip("/").split("?")[0]).resolve()
            if root not in path.parents or not path.is_file():
                self.send_error(404)
                return
            headers = headers_for(root, path)
            status = int(headers.pop("Status", "200"))
            body = path.read_bytes()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class Server:
    """A threaded HTTP server on 127.0.0.1 serving the corpus."""

    def __init__(self, root: Path) -> None:
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(root.resolve()))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -- what feedparser reads -----------------------------------------------------


def _comparable(value: str, is_html: bool) -> str:
    if is_html:
        value = html.unescape(re.sub(r"<[^>]*>", "", value))
    value = unicodedata.normalize("NFC", _UNSAFE.sub("", value))
    return " ".join(value.split())


def feedparser_titles(data: bytes, headers: dict[str, str]) -> tuple[str, list[str]] | None:
    """(feed title, entry titles) as feedparser reads them; None if it calls the file ill-formed."""
    import feedparser

    lowered = {k.lower(): v for k, v in headers.items()}
    result = feedparser.parse(io.BytesIO(data), response_headers=lowered)
    if result.get("bozo"):
        return None

    def title(item: Any) -> str:
        detail = item.get("title_detail") or {}
        return _comparable(item.get("title", ""), "html" in (detail.get("type") or ""))

    return title(result.feed), [title(e) for e in result.entries]


# -- what briefterm stored -----------------------------------------------------


@dataclass
class Stored:
    """What briefterm keeps of one feed."""

    title: str = ""
    error: str = ""
    entry_titles: list[str] = field(default_factory=list)


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BRIEFTERM_CONFIG", None)
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefterm", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def poll_through_cli(urls: list[str], home: Path, crashes: list[str]) -> dict[str, Stored]:
    """Subscribe to ``urls`` with import-opml, poll them all, read back feeds and entries."""
    env = _env(home)
    config_dir = Path(env["XDG_CONFIG_HOME"]) / "briefterm"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text("[poll]\nconcurrency = 32\nper_host = 32\n")
    outlines = "\n".join(f"<outline type='rss' xmlUrl={quoteattr(u)}/>" for u in urls)
    opml = home / "corpus.opml"
    opml.write_text(f"<opml version='2.0'><body>{outlines}</body></opml>", encoding="utf-8")
    stored: dict[str, Stored] = {}
    for args in (("import-opml", str(opml)), ("poll", "--all")):
        started = time.perf_counter()
        done = _cli(env, *args)
        took = time.perf_counter() - started
        print(f"  briefterm {args[0]}: exit {done.returncode}, {took:.0f} s")
        if done.returncode not in (0, 1) or _CRASH.search(done.stderr):
            crashes.append(f"briefterm {args[0]}: {done.stderr.strip()[-500:]}")
    feeds = _cli(env, "feeds", "--json")
    entries = _cli(env, "list", "--json")
    for done in (feeds, entries):
        if done.returncode != 0:
            crashes.append(f"briefterm {done.args[3]}: {done.stderr.strip()[-500:]}")
    for row in json.loads(feeds.stdout or "[]"):
        stored[row["url"]] = Stored(title=row["title"], error=row["last_error"] or "")
    for entry in json.loads(entries.stdout or "[]"):
        stored.setdefault(entry["feed_url"], Stored()).entry_titles.append(entry["title"])
    os.environ.update(env)  # the store facade below finds the same cache
    return stored


def unsafe_strings_in_cache() -> list[str]:
    """Stored strings (every entry field, content included) holding unsafe characters."""
    from briefterm import paths
    from briefterm.store import Store

    store = Store(paths.database_path(), read_only=True)
    found: list[str] = []
    try:
        for state in store.feeds():
            for value in (state.title, state.site_link, state.last_error or ""):
                if _UNSAFE.search(value):
                    found.append(f"feed {state.url}: {value!r:.120}")
        ids = store.entry_ids()
        for start in range(0, len(ids), 500):
            for entry in store.entries_by_ids(ids[start : start + 500], with_content=True):
                for value in _strings(_fields(entry)):
                    if _UNSAFE.search(value):
                        found.append(f"entry {entry.id} of {entry.feed_url}: {value!r:.120}")
    finally:
        store.close()
    return found


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in getattr(obj, "__slots__", ())}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "__slots__"):
        yield from _strings(_fields(value))


def parse_directly(root: Path, files: list[Path], url_of: dict[Path, str]) -> dict[str, Stored]:
    """``--direct``: what parse_feed makes of each file, without HTTP or the CLI."""
    from briefterm.errors import FeedParseError
    from briefterm.parse import parse_feed

    stored: dict[str, Stored] = {}
    for path in files:
        url = url_of[path]
        headers = {k.lower(): v for k, v in headers_for(root, path).items()}
        data = path.read_bytes()
        if headers.get("content-encoding"):
            continue  # the fetcher decompresses; parse_feed never sees these bytes
        try:
            feed = parse_feed(data, url=url, content_type=headers.get("content-type"))
        except FeedParseError as exc:
            stored[url] = Stored(error=str(exc))
            continue
        except Exception as exc:  # a parser bug: count it as a crash
            stored[url] = Stored(error=f"could not be parsed ({type(exc).__name__})")
            continue
        stored[url] = Stored(title=feed.title, entry_titles=[e.title for e in feed.entries])
    return stored


# -- the report ----------------------------------------------------------------


@dataclass
class Tally:
    """Titles expected and found, in all and by corpus folder."""

    expected: int = 0
    found: int = 0
    by_folder: collections.Counter[str] = field(default_factory=collections.Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, folder: str, expected: list[str], stored: list[str], where: str) -> None:
        left = collections.Counter(" ".join(s.split()) for s in stored)
        for title in expected:
            if not title:
                continue
            self.expected += 1
            if left[title] > 0:
                left[title] -= 1
                self.found += 1
            else:
                self.by_folder[folder] += 1
                self.misses.append(f"{where}: expected {title!r:.80}, stored {sorted(left)!r:.120}")

    @property
    def share(self) -> float:
        return 100.0 * self.found / max(self.expected, 1)


def compare(
    root: Path, files: list[Path], url_of: dict[Path, str], stored: dict[str, Stored]
) -> tuple[Tally, Tally]:
    """(feed titles, entry titles) compared over the files feedparser calls well-formed."""
    feeds, entries = Tally(), Tally()
    for path in files:
        headers = headers_for(root, path)
        if "Content-Encoding" in headers or headers.get("Status", "200") != "200":
            continue
        expected = feedparser_titles(path.read_bytes(), headers)
        if expected is None:
            continue
        rel = path.relative_to(root / "tests")
        folder = rel.parent.as_posix()
        got = stored.get(url_of[path], Stored())
        feeds.add(folder, [expected[0]], [got.title], f"{rel} feed")
        entries.add(folder, expected[1], got.entry_titles, f"{rel} entries")
    return feeds, entries


def report(feeds: Tally, entries: Tally, crashes: list[str], unsafe: list[str], show: bool) -> None:
    """Print the figures and what is still missed."""
    total = Tally(feeds.expected + entries.expected, feeds.found + entries.found)
    print(f"titles: {total.found}/{total.expected} = {total.share:.1f} %")
    print(f"  feed titles:  {feeds.found}/{feeds.expected} = {feeds.share:.1f} %")
    print(f"  entry titles: {entries.found}/{entries.expected} = {entries.share:.1f} %")
    print(f"crashes: {len(crashes)}")
    for crash in crashes[:20]:
        print(f"  {crash}")
    print(f"control characters: {len(unsafe)} stored strings")
    for value in unsafe[:20]:
        print(f"  {value}")
    missed = feeds.by_folder + entries.by_folder
    if missed:
        print("missed titles by folder:", ", ".join(f"{k} {v}" for k, v in missed.most_common()))
    if show:
        for line in feeds.misses + entries.misses:
            print(f"  miss {line}")


def main() -> None:
    """Run the corpus and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", type=Path, help="a downloaded feedparser sdist (.tar.gz)")
    parser.add_argument("--direct", action="store_true", help="parse_feed in-process, no CLI")
    parser.add_argument("--misses", action="store_true", help="print every missed title")
    parser.add_argument("--errors", action="store_true", help="print every feed's error")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="briefterm-corpus-") as tmp:
        work = Path(tmp)
        sdist = args.sdist or fetch_sdist(work / "sdist")
        root = unpack_tests(sdist, work / "src").resolve()
        files = corpus_files(root)
        crashes: list[str] = []
        unsafe: list[str] = []
        print(f"corpus: {len(files)} files from {sdist.name}")
        with Server(root) as server:
            url_of = {p: f"{server.base}/{p.relative_to(root).as_posix()}" for p in files}
            if args.direct:
                stored = parse_directly(root, files, url_of)
            else:
                stored = poll_through_cli(list(url_of.values()), work / "home", crashes)
                unsafe = unsafe_strings_in_cache()
        crashes += [f"{u}: {s.error}" for u, s in stored.items() if _CRASH.search(s.error)]
        if args.direct:
            for s in stored.values():
                unsafe += [v for v in (s.title, *s.entry_titles) if _UNSAFE.search(v)]
        errors = sorted((u, s.error) for u, s in stored.items() if s.error)
        print(f"feeds: {len(stored)} stored, {len(errors)} with an error")
        if args.errors:
            for url, error in errors:
                print(f"  error {url.split('/', 3)[-1]}: {error[:110]}")
        report(*compare(root, files, url_of, stored), crashes, unsafe, args.misses)


if __name__ == "__main__":
    main()
