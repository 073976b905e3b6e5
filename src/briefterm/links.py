"""Open links safely: http(s) only, one argv element, never through a shell."""

from __future__ import annotations

import shlex
import subprocess
import webbrowser

from briefterm.errors import BrowserError
from briefterm.urls import safe_url


def browser_argv(template: str, url: str) -> list[str]:
    """The command for ``template`` with ``url`` as a single argument.

    ``{url}`` is replaced inside the argument that holds it; when no argument
    holds it the URL is appended. The URL is never split or re-parsed.
    """
    try:
        parts = shlex.split(template)
    except ValueError as exc:
        raise BrowserError(
            f"The browser setting cannot be parsed ({exc}); fix it in the config."
        ) from exc
    if not parts:
        raise BrowserError("The browser setting is empty; set it or remove it from the config.")
    if any("{url}" in part for part in parts):
        return [part.replace("{url}", url) for part in parts]
    return [*parts, url]


def open_link(url: str, template: str = "") -> list[str] | None:
    """Open ``url`` without blocking; return the argv used (None for the system default).

    Raises :class:`BrowserError` for a link that is not http(s) or a browser
    command that cannot start.
    """
    safe = safe_url(url)
    if not safe:
        raise BrowserError("Only http and https links can be opened; this one was refused.")
    if not template:
        try:
            controller = webbrowser.get()
        except webbrowser.Error:
            controller = None
        # Without a display (say over SSH) Python falls back to console
        # browsers (lynx, w3m, www-browser) run in the foreground on this
        # very terminal, which the reader owns: refuse rather than fight it.
        if controller is None or type(controller) is webbrowser.GenericBrowser:
            raise BrowserError(
                "No graphical web browser was found (over SSH?); copy the link with y, "
                "or set `browser` in the config."
            )
        if not controller.open(safe, new=2):
            raise BrowserError("The web browser could not be started; set `browser` in the config.")
        return None
    argv = browser_argv(template, safe)
    try:
        subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            shell=False,
        )
    except OSError as exc:
        raise BrowserError(
            f"Could not start {argv[0]!r} ({exc.strerror}); check `browser` in the config."
        ) from exc
    return argv
