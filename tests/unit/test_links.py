"""Opening links: http(s) only, the URL one argv element, never a shell."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefterm.config import Config, config_warnings
from briefterm.links import (
    BrowserError,
    browser_argv,
    browser_shell_warnings,
    open_link,
    shell_safe_url,
)


def test_browser_argv_keeps_url_one_element() -> None:
    url = "https://example.com/a b;rm -rf ~&x=$(id)"
    encoded = "https://example.com/a b%3Brm -rf ~&x=%24%28id%29"
    argv = browser_argv("firefox --new-tab {url}", url)
    assert argv == ["firefox", "--new-tab", encoded]
    assert browser_argv("'/opt/My Browser/run'", url) == ["/opt/My Browser/run", encoded]
    assert browser_argv("open --args={url}", "https://e.com") == ["open", "--args=https://e.com"]
    hostile = "https://e.com/a b;rm -rf ~ $(id)"
    assert browser_argv("w3m", hostile) == ["w3m", "https://e.com/a b%3Brm -rf ~ %24%28id%29"]
    with pytest.raises(BrowserError):
        browser_argv("firefox 'unclosed", url)
    with pytest.raises(BrowserError):
        browser_argv("   ", url)


def test_open_link_refuses_non_http(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr("briefterm.links.subprocess.Popen", lambda argv, **kw: calls.append(argv))
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", ""):
        with pytest.raises(BrowserError, match="refused"):
            open_link(bad, "firefox {url}")
    assert calls == []
    argv = open_link("https://example.com/x y", "firefox {url}")
    assert argv == ["firefox", "https://example.com/x%20y"] and calls == [argv]


def test_open_link_reports_missing_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(argv, **kw):  # type: ignore[no-untyped-def]
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr("briefterm.links.subprocess.Popen", missing)
    with pytest.raises(BrowserError, match="Could not start 'nobrowser'"):
        open_link("https://example.com", "nobrowser")


def test_a_link_cannot_run_a_command_through_a_shell_browser(tmp_path: Path) -> None:
    # The fault run's case: a shell template and a feed link holding $(…).
    marker = tmp_path / "pwned"
    touch = f"touch${{IFS}}{marker}"  # no space: a link holds none
    url = f"https://e.com/?q=$({touch})&x=`{touch}`;{touch}"
    argv = browser_argv("sh -c 'printf %s {url} >/dev/null'", url)
    subprocess.run(argv, check=True, timeout=10)
    assert not marker.exists()
    assert "$" not in argv[2] and "`" not in argv[2] and "&" not in argv[2].split("printf")[1]


def test_shell_safe_url_keeps_query_ampersands_outside_shells() -> None:
    assert shell_safe_url("https://e.com/?a=1&b=2") == "https://e.com/?a=1&b=2"
    assert shell_safe_url("https://e.com/?a=1&b=2", shell=True) == "https://e.com/?a=1%26b=2"


@pytest.mark.parametrize(
    ("template", "warned"),
    [
        ("sh -c 'firefox {url} &'", True),
        ("/bin/bash -lc 'open {url}'", True),
        ("env zsh -c 'x {url}'", True),
        ("firefox --new-tab {url}", False),
        ("sh ./open-it.sh {url}", False),
        ("", False),
    ],
)
def test_config_check_warns_about_url_inside_a_shell_string(template: str, warned: bool) -> None:
    assert bool(browser_shell_warnings(template)) is warned
    assert bool(config_warnings(Config(browser=template))) is warned
