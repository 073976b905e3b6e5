"""Article extraction: trafilatura vs readability-lxml on the pages in tests/data/fulltext/.

For each library and page it prints the median time of one extraction, the
quality (article phrases found, boilerplate phrases that leaked, characters
extracted) and the peak memory of a process that imported the library and
extracted every page. Each library runs in its own child process, and the
rounds alternate between them (the machine is shared: medians of
interleaved runs). A library that is not installed is skipped with a line
saying so.

Besides the five hand-written pages, ``big-news`` is news.html grown to the
size of a real news page (about 600 KB: inline state JSON, scripts and a
long "more stories" rail), generated here rather than committed.

    .venv/bin/python bench/bench_fulltext.py [--rounds 5] [--repeat 20]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "fulltext"
URL = "https://news.example.org/2026/11/30/story"
LIBRARIES = {"trafilatura": "trafilatura", "readability-lxml": "readability"}


def big_news() -> str:
    """news.html padded to a real page's size with what real pages carry around an article."""
    html = (PAGES / "news.html").read_text(encoding="utf-8")
    state = json.dumps(
        {
            "props": {
                "items": [{"id": i, "title": f"Story {i}", "x": "y" * 200} for i in range(1500)]
            }
        }
    )
    cards = "".join(
        f'<div class="card"><a href="/news/{i}"><img src="/i/{i}.jpg" alt="">'
        f"<h3>Another local story number {i} with a headline</h3></a>"
        f'<p class="dek">A short standfirst for story {i}.</p></div>'
        for i in range(600)
    )
    extra = (
        f'<script id="__STATE__" type="application/json">{state}</script>'
        f'<section class="rail">{cards}</section>'
    )
    return html.replace("</body>", extra + "</body>")


def pages() -> dict[str, str]:
    """Page name → HTML text."""
    out = {path.name: path.read_text(encoding="utf-8") for path in sorted(PAGES.glob("*.html"))}
    out["big-news"] = big_news()
    return out


def _extract(library: str, html: str) -> str:
    # The options briefterm.fulltext uses (links and images kept for the
    # numbered link list; comments left out).
    if library == "trafilatura":
        import trafilatura

        return (
            trafilatura.extract(
                html,
                url=URL,
                output_format="html",
                include_comments=False,
                include_links=True,
                include_images=True,
            )
            or ""
        )
    from readability import Document

    return str(Document(html, url=URL).summary(html_partial=True))


def _hwm_kib() -> int:
    # VmHWM is this process's own peak (reset at exec, unlike ru_maxrss).
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(library: str, repeat: int) -> None:
    """Run in a child process: import, extract every page ``repeat`` times, print JSON."""
    from briefterm.htmltext import html_to_text

    base = _rss_kib()
    started = time.perf_counter()
    _extract(library, "<html><body><p>warm</p></body></html>")
    imported = time.perf_counter() - started
    after_import = _rss_kib()
    result: dict[str, Any] = {"import_s": imported, "pages": {}}
    for name, html in pages().items():
        times = []
        out = ""
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = _extract(library, html)
            times.append(time.perf_counter() - t0)
        result["pages"][name] = {"median_s": statistics.median(times), "text": html_to_text(out)}
    result["base_kib"] = base
    result["import_kib"] = after_import - base
    result["peak_kib"] = _hwm_kib() - base
    print(json.dumps(result))


def quality(name: str, text: str, expected: dict[str, Any]) -> str:
    """ "7/7 body, 0 leaked" for an article; for a non-article page, what came out."""
    # big-news is news.html with more around it: the same article must come out.
    want = expected.get("news.html" if name == "big-news" else name)
    if want is None:
        return f"{len(text)} chars (no expectations)"
    if not want["article"]:
        return f"not an article: {len(text)} chars came out"
    found = sum(phrase in text for phrase in want["body"])
    leaked = [phrase for phrase in want["boilerplate"] if phrase in text]
    leak = f", leaked: {'; '.join(leaked)}" if leaked else ", 0 leaked"
    return f"{found}/{len(want['body'])} body{leak} ({len(text)} chars)"


def main() -> None:
    """Interleave child runs of each installed library and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="child runs per library")
    parser.add_argument("--repeat", type=int, default=20, help="extractions per page per run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    installed = []
    for library, module in LIBRARIES.items():
        if importlib.util.find_spec(module) is None:
            print(f"{library}: not installed, skipped (pip install {library})")
        else:
            installed.append(library)
    if not installed:
        return
    runs: dict[str, list[dict[str, Any]]] = {lib: [] for lib in installed}
    for _ in range(args.rounds):
        for library in installed:
            out = subprocess.run(
                [sys.executable, __file__, "--child", library, "--repeat", str(args.repeat)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs[library].append(json.loads(out.stdout))
    expected = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
    sizes = {name: len(html.encode()) for name, html in pages().items()}
    print(f"\n{args.rounds} interleaved runs per library, {args.repeat} extractions per page each")
    print("\n| page | size | library | ms per page (median) | quality |")
    print("|---|---:|---|---:|---|")
    for name in sizes:
        for library in installed:
            ms = statistics.median(r["pages"][name]["median_s"] for r in runs[library]) * 1000
            text = runs[library][0]["pages"][name]["text"]
            row = f"| {name} | {sizes[name] / 1024:.0f} KB | {library} | {ms:.1f} |"
            print(f"{row} {quality(name, text, expected)} |")
    print("\n| library | first call (import + warm-up) | RSS added by import | peak RSS added |")
    print("|---|---:|---:|---:|")
    for library in installed:
        imp = statistics.median(r["import_s"] for r in runs[library]) * 1000
        kib = statistics.median(r["import_kib"] for r in runs[library]) / 1024
        peak = statistics.median(r["peak_kib"] for r in runs[library]) / 1024
        print(f"| {library} | {imp:.0f} ms | {kib:.1f} MiB | {peak:.1f} MiB |")


if __name__ == "__main__":
    main()
