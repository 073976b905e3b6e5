"""The core never imports Textual; the CLI and its --help start without heavy imports.

Each check runs in a fresh interpreter so modules imported by other tests
cannot hide (or fake) a leak.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import briefterm

CORE_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(briefterm.__path__, prefix="briefterm.")
    # tui/ is the only place Textual belongs; __main__ would run the CLI.
    if not info.name.startswith("briefterm.tui") and info.name != "briefterm.__main__"
)

_PROBE = """
import importlib, json, sys
offenders = {}
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
    leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
    if leaked and not offenders:
        offenders[name] = leaked[:3]
print(json.dumps({"offenders": offenders, "textual": "textual" in sys.modules}))
"""


def run_probe(code: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_core_modules_are_found() -> None:
    for expected in ("briefterm.cli", "briefterm.config", "briefterm.opml", "briefterm.store"):
        assert expected in CORE_MODULES


def test_core_never_imports_textual() -> None:
    result = run_probe(_PROBE, json.dumps(CORE_MODULES))
    assert result == {"offenders": {}, "textual": False}, (
        f"the first core module to pull in Textual: {result['offenders']}"
    )


def test_cli_module_and_help_import_no_heavy_libraries() -> None:
    heavy = ["textual", "rich", "httpx", "lxml", "feedparser", "sqlite3"]
    # `briefterm --help` builds the whole parser; the command modules stay unloaded.
    code = (
        "import contextlib, io, json, sys; import briefterm.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert briefterm.cli.main(['--help']) == 0\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


def test_the_poll_command_imports_neither_rich_nor_httpx() -> None:
    # Off a terminal `briefterm poll` prints plain lines: rich is not needed,
    # and the poller speaks HTTP through h11 (briefterm.http11), not httpx.
    code = (
        "import json, sys; import briefterm.cli.poll, briefterm.poller, briefterm.fetch\n"
        "print(json.dumps(sorted(m for m in ('rich', 'click', 'pygments', 'lxml', 'httpx',"
        " 'anyio') if m in sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
