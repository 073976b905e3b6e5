"""Opening links: http(s) only, the URL one argv element, never a shell."""

from __future__ import annotations

import pytest

from briefterm.links import BrowserError, browser_argv, open_link


def test_browser_argv_keeps_url_one_element() -> None:
    url = "https://example.com/a b;rm -rf ~&x=$(id)"
    argv = browser_argv("firefox --new-tab {url}", url)
    assert argv == ["firefox", "--new-tab", url]
    assert browser_argv("'/opt/My Browser/run'", url) == ["/opt/My Browser/run", url]
    assert browser_argv("open --args={url}", "https://e.com") == ["open", "--args=https://e.com"]
    hostile = "https://e.com/a b;rm -rf ~ $(id)"
    assert browser_argv("w3m", hostile) == ["w3m", hostile]
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
