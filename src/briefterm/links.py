"""Open links safely: http(s) only, one argv element, never through a shell.

A user may still configure a shell (``browser = "sh -c 'firefox {url} &'"``):
then the URL is text inside a script, so shell metacharacters in it are
percent-encoded first (:func:`shell_safe_url`): a feed link holding
``$(…)`` or a backtick must never run anything.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import webbrowser

from briefterm.errors import BrowserError
from briefterm.urls import safe_url

# Characters a shell (or a wrapper script that evals) treats as code. None
# needs to be literal in a URL: a browser and a server read %XX the same.
_ALWAYS_ENCODED = frozenset("`$'\"\\;|<>(){}!^*\n\r\t")
# "&" separates query parameters, so it is kept unless a shell reads the URL,
# where "…&reboot" would start a second command.
_SHELL_ENCODED = _ALWAYS_ENCODED | {"&"}
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "busybox"})


def shell_safe_url(url: str, *, shell: bool = False) -> str:
    """``url`` with shell metacharacters percent-encoded (also ``&`` when ``shell``)."""
    unsafe = _SHELL_ENCODED if shell else _ALWAYS_ENCODED
    return "".join(f"%{ord(ch):02X}" if ch in unsafe else ch for ch in url)


def shell_url_index(parts: list[str]) -> int | None:
    """Index of the argument holding ``{url}`` when it is a script a shell runs, else None.

    ``sh -c 'firefox {url}'`` (also ``bash -lc``, ``env sh -c``): the argument
    after a shell's ``-c`` option is code, not a plain argument.
    """
    for i, part in enumerate(parts):
        if os.path.basename(part) not in _SHELLS:
            continue
        for j in range(i + 1, len(parts)):
            flag = parts[j]
            if flag.startswith("-") and "c" in flag[1:] and not flag.startswith("--"):
                for k in range(j + 1, len(parts)):
                    if "{url}" in parts[k]:
                        return k
                return None
    return None


def browser_shell_warnings(template: str) -> list[str]:
    """A ``config check`` warning when ``{url}`` sits inside a shell script string."""
    try:
        parts = shlex.split(template)
    except ValueError:
        return []  # the loader reports an unparsable browser setting
    if shell_url_index(parts) is None:
        return []
    return [
        "browser runs {url} inside a shell script (sh -c '…'); briefterm percent-encodes "
        "shell characters in links (even &), but a command such as "
        '"firefox --new-tab {url}" needs no shell and passes the link untouched'
    ]


def browser_argv(template: str, url: str) -> list[str]:
    """The command for ``template`` with ``url`` as a single argument.

    ``{url}`` is replaced inside the argument that holds it; when no argument
    holds it the URL is appended. The URL is never split or re-parsed, but
    shell metacharacters in it are percent-encoded first
    (:func:`shell_safe_url`), ``&`` too when the argument is a shell script.
    """
    try:
        parts = shlex.split(template)
    except ValueError as exc:
        raise BrowserError(
            f"The browser setting cannot be parsed ({exc}); fix it in the config."
        ) from exc
    if not parts:
        raise BrowserError("The browser setting is empty; set it or remove it from the config.")
    script = shell_url_index(parts)
    if any("{url}" in part for part in parts):
        return [
            part.replace("{url}", shell_safe_url(url, shell=script is not None)) for part in parts
        ]
    return [*parts, shell_safe_url(url)]


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
