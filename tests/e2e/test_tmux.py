"""End to end: ``briefterm demo`` in a real terminal (tmux), driven by keystrokes.

tmux gives the app a real pseudo-terminal of a known size; ``send-keys``
types, ``capture-pane -p`` reads the screen back as plain text. Each test
runs its own tmux server on a private socket and kills it afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

WIDTH, HEIGHT = 160, 45
TIMEOUT = 30.0  # seconds to wait for any one screen state
FEED_NAMES = (
    "The Morning Ledger",
    "Capitol Circuit",
    "Wirestream",
    "Gadget Gazette",
    "Lab Notes Daily",
    "Boardroom Moves",
    "科技晨报",
)


class Tmux:
    """A private tmux server running one command in one pane."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.target = "demo:0.0"
        self.socket_path: Path | None = None

    def run(self, *args: str, check: bool = True) -> str:
        """Run a tmux command against this server; returns its stdout."""
        # pytest-xdist workers carry COLUMNS=80/LINES=24, which the app would
        # take (through shutil.get_terminal_size) over the real pane size.
        dropped = ("TMUX", "TMUX_PANE", "COLUMNS", "LINES")
        env = {k: v for k, v in os.environ.items() if k not in dropped}
        proc = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=15,
            env=env,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def start(self, command: str) -> None:
        """Start ``command`` in a detached WIDTHxHEIGHT session; keep the pane when it exits."""
        self.run(
            "new-session", "-d", "-s", "demo", "-x", str(WIDTH), "-y", str(HEIGHT), command,
            ";", "set-option", "-w", "-t", "demo:0", "remain-on-exit", "on",
            ";", "set-option", "-s", "set-clipboard", "on",
            # No client ever attaches: keep the window at the size asked for.
            ";", "set-option", "-g", "window-size", "manual",
        )  # fmt: skip
        self.socket_path = Path(self.run("display-message", "-p", "#{socket_path}").strip())

    def kill(self) -> None:
        """Stop this tmux server and remove its socket file."""
        self.run("kill-server", check=False)
        if self.socket_path is not None:
            self.socket_path.unlink(missing_ok=True)

    def screen(self) -> str:
        """The visible screen as plain text (no escape sequences)."""
        return self.run("capture-pane", "-p", "-t", self.target)

    def history(self) -> str:
        """The whole pane, scrollback included, as plain text."""
        return self.run("capture-pane", "-p", "-S", "-", "-E", "-", "-t", self.target)

    def keys(self, *keys: str, pause: float = 0.3) -> None:
        """Type ``keys`` (tmux key names), pausing after each for the app to react."""
        for key in keys:
            self.run("send-keys", "-t", self.target, key)
            time.sleep(pause)

    def pane(self, fmt: str) -> str:
        """A tmux format value of the pane, e.g. ``#{pane_dead}``."""
        return self.run("display-message", "-p", "-t", self.target, fmt).strip()

    def wait_for(self, predicate: Callable[[str], bool], what: str) -> str:
        """Poll the screen until ``predicate`` holds; fail with the last screen after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            if self.pane("#{pane_dead}") == "1":
                break
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; screen:\n{self.history()}")

    def wait_dead(self, status_file: Path) -> int:
        """Wait until the command started by :meth:`start_recording` has exited; its status.

        The status comes from the shell that ran the command, written to
        ``status_file``: tmux 3.3 sometimes marks the pane dead without ever
        filling in ``pane_dead_status``, so tmux's own flags are not waited on.
        """
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            text = status_file.read_text() if status_file.exists() else ""
            if text.endswith("\n"):
                return int(text)
            time.sleep(0.2)
        # Hung: make faulthandler (python -X faulthandler) print every thread's stack.
        for pid in Path(f"/proc/{self.pane('#{pane_pid}')}/task").glob("*/children"):
            for child in pid.read_text().split():
                os.kill(int(child), signal.SIGABRT)
        time.sleep(1.0)
        raise AssertionError(f"the app did not exit; screen:\n{self.history()}")

    def start_recording(self, command: str, status_file: Path) -> None:
        """:meth:`start` ``command`` in a shell that writes its exit status to ``status_file``."""
        script = f"{command}; echo $? > {shlex.quote(str(status_file))}"
        self.start(f"sh -c {shlex.quote(script)}")


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A tmux server on a unique socket, always killed afterwards."""
    server = Tmux(f"briefterm-e2e-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        yield server
    finally:
        server.kill()


def _fake_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in ``xdg-open`` that records each URL it is given: (its directory, the record)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "opened.txt"
    script = bin_dir / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf \'%s|%s\\n\' "$#" "$1" >> {shlex.quote(str(record))}\n')
    script.chmod(0o755)
    return bin_dir, record


def _demo_command(tmp_path: Path, bin_dir: Path) -> tuple[str, dict[str, Path]]:
    """The shell command that runs ``python -m briefterm demo`` with private directories.

    A display is claimed (nothing draws on it) and ``bin_dir`` leads PATH, so
    Python's webbrowser picks the stand-in ``xdg-open`` as a graphical
    browser: links open through the real path, and nothing real is launched.
    """
    dirs = {
        name: tmp_path / name.lower()
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "HOME", "TMPDIR")
    }
    for directory in dirs.values():
        directory.mkdir(parents=True, exist_ok=True)
    assignments = [f"{name}={shlex.quote(str(path))}" for name, path in dirs.items()]
    path = f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    command = " ".join(
        [
            "env",
            "-u",
            "BRIEFTERM_CONFIG",
            "-u",
            "BROWSER",
            "-u",
            "WAYLAND_DISPLAY",
            *assignments,
            "DISPLAY=:99",
            f"PATH={shlex.quote(path)}",
            "NO_PROXY=127.0.0.1,localhost",
            shlex.quote(sys.executable),
            "-X",
            "faulthandler",
            "-m",
            "briefterm",
            "demo",
        ]
    )
    return command, dirs


def _stars(screen: str) -> int:
    return screen.count("★")


def _opened(record: Path) -> list[str]:
    """The URLs the stand-in browser was given, each checked to be its one argument."""
    if not record.exists():
        return []
    lines = record.read_text().splitlines()
    assert all(line.startswith("1|") for line in lines), lines  # one argv element each
    return [line[2:] for line in lines]


def test_demo_runs_in_a_real_terminal(tmux: Tmux, tmp_path: Path) -> None:
    bin_dir, record = _fake_browser(tmp_path)
    command, dirs = _demo_command(tmp_path, bin_dir)
    status_file = tmp_path / "status"
    tmux.start_recording(command, status_file)
    assert tmux.pane("#{pane_width}x#{pane_height}") == f"{WIDTH}x{HEIGHT}"

    # The brief appears: key stories from the sample feeds, sections in the sidebar.
    # Textual paints in steps (and under load the sections may land a frame
    # after the stories), so wait for the whole picture.
    screen = tmux.wait_for(
        lambda s: all(part in s for part in ("Halvorsen Semiconductor", "Policy", "China tech")),
        "the demo brief",
    )
    assert "Key stories" in screen
    assert "\x1b" not in screen  # plain text: tmux rendered every escape sequence
    # It reads like a brief: the lede, then each story's dateline leading its dek.
    assert "Pomelo's Slate 7 phone promises a week of battery life;" in screen
    assert re.search(r"The Morning Ledger \+\d — Pomelo", screen)  # outlet, +N outlets, dek
    assert "Press enter" not in screen  # no empty story pane

    tmux.keys("j", "J")  # down one story, then to the next section
    before = _stars(tmux.screen())
    tmux.keys("s")  # star the selected story
    screen = tmux.wait_for(lambda s: _stars(s) > before, "the star mark")

    tmux.keys("Enter")  # open the story in the detail pane
    screen = tmux.wait_for(lambda s: "Links" in s and "[1]" in s, "the story's numbered links")
    # One line of attribution: a demo outlet and the age; the details on demand.
    assert any(name in screen for name in FEED_NAMES) and "ago" in screen
    assert "Published" not in screen
    tmux.keys("i")
    screen = tmux.wait_for(
        lambda s: "Published" in s and "Source" in s, "the story's full attribution"
    )
    links = re.findall(r"https://[a-z.]+\.example\.(?:com|org|net)/\S+", screen)
    assert links, screen

    # A digit opens that link of the list; o opens the story's own: the real
    # opener, one argv element, through the stand-in browser.
    tmux.keys("1")
    tmux.wait_for(lambda s: len(_opened(record)) == 1, "link 1 to open")
    tmux.keys("o")
    tmux.wait_for(lambda s: len(_opened(record)) == 2, "the story's link to open")
    first, again = _opened(record)
    assert first == again == links[0]

    tmux.keys("Escape")
    assert tmux.pane("#{pane_dead}") == "0"  # back, still running
    screen = tmux.wait_for(lambda s: "Links" not in s, "the story pane to close")

    # The help screen scrolls to either end.
    tmux.keys("?")
    tmux.wait_for(lambda s: "Remap any key" in s, "the help screen")
    tmux.keys("G")
    tmux.wait_for(lambda s: "command_palette" in s and "Remap any key" not in s, "its end")
    tmux.keys("g")
    tmux.wait_for(lambda s: "Remap any key" in s, "its top")
    tmux.keys("Escape")

    # Feed text is never markup: a headline about "[bold]" and "[/]" shows them as typed.
    tmux.keys("/")
    tmux.wait_for(lambda s: "Search titles, summaries" in s, "the search box")
    tmux.run("send-keys", "-t", tmux.target, "-l", "Markup 101")
    tmux.keys("Enter")
    tmux.wait_for(lambda s: "Markup 101: in terminal styling, [bold]" in s, "the search result")
    tmux.keys("Enter")
    # The story pane wraps at spaces, so look for pieces that contain none.
    screen = tmux.wait_for(lambda s: "warning[/]" in s, "the markup story body")
    assert "[bold]" in screen and "[/]" in screen

    # Copy reaches a real terminal as OSC 52: tmux (set-clipboard on) turns it
    # into a paste buffer, as a terminal over SSH would fill its clipboard.
    tmux.keys("Escape", "1")
    tmux.wait_for(lambda s: "│ Brief · Demo brief" in s and "Key stories" in s, "the brief again")
    tmux.keys("g", "Space", "Space", "y")
    tmux.wait_for(lambda s: "Copied 2 stories" in s, "the copy notification")
    pasted = tmux.run("show-buffer")
    assert pasted.startswith("# 2 stories from the Demo brief, "), pasted
    assert pasted.count("- **") == 2 and "## " in pasted
    assert "\x1b" not in pasted

    tmux.keys("q")
    status = tmux.wait_dead(status_file)
    history = tmux.history()
    assert status == 0, history
    assert "Traceback" not in history
    assert "\x1b" not in history
    # Progress went to the terminal before the app took over, one line per feed.
    assert "polling 7 sample feeds" in history
    assert all(name in history for name in FEED_NAMES)

    # The throwaway cache is gone and the user's directories were never used.
    assert list(dirs["TMPDIR"].iterdir()) == []
    assert not (dirs["XDG_DATA_HOME"] / "briefterm").exists()
    assert not (dirs["XDG_CONFIG_HOME"] / "briefterm").exists()


def _terminal_modes(tmux: Tmux) -> str:
    """alternate screen | any mouse reporting | SGR mouse | cursor shown, as tmux tracks them."""
    return tmux.pane("#{alternate_on}|#{mouse_any_flag}|#{mouse_sgr_flag}|#{cursor_flag}")


def _in_a_shell(tmux: Tmux, line: str) -> None:
    """Type ``command`` into an interactive shell in the pane (job control: ctrl+z, fg).

    The shell outlives the reader, so the pane stays alive and tmux reports
    the terminal modes the reader left behind (a dead pane reports none).
    """
    tmux.start("env PS1='ready$ ' sh -i")
    tmux.wait_for(lambda s: "ready$" in s, "the shell prompt")
    tmux.run("send-keys", "-t", tmux.target, line, "Enter")
    tmux.wait_for(lambda s: "Key stories" in s, "the demo brief")


def _reader_pid(tmux: Tmux) -> int:
    """The reader's process: the shell's one child (``env`` exec'd python)."""
    shell = int(tmux.pane("#{pane_pid}"))
    children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT", "SIGQUIT"])
def test_a_signal_from_kill_restores_the_terminal(tmux: Tmux, tmp_path: Path, name: str) -> None:
    bin_dir, _record = _fake_browser(tmp_path)
    command, _dirs = _demo_command(tmp_path, bin_dir)
    _in_a_shell(tmux, f"{command}; echo reader-exited-$?")
    assert _terminal_modes(tmux).startswith("1|1|1|")  # the reader owns the terminal
    number = getattr(signal, name)
    os.kill(_reader_pid(tmux), number)
    screen = tmux.wait_for(lambda s: re.search(r"reader-exited-\d", s) is not None, "the exit")
    assert f"reader-exited-{128 + number}" in screen
    assert _terminal_modes(tmux) == "0|0|0|1"  # main screen, no mouse reporting, cursor shown
    assert "Traceback" not in tmux.history()


def test_ctrl_z_suspends_and_fg_resumes(tmux: Tmux, tmp_path: Path) -> None:
    bin_dir, _record = _fake_browser(tmp_path)
    command, _dirs = _demo_command(tmp_path, bin_dir)
    _in_a_shell(tmux, command)
    tmux.run("send-keys", "-t", tmux.target, "C-z")
    screen = tmux.wait_for(lambda s: "Stopped" in s and "Key stories" not in s, "the shell")
    assert _terminal_modes(tmux) == "0|0|0|1"
    prompts = screen.count("ready$")
    tmux.run("send-keys", "-t", tmux.target, "fg", "Enter")
    # Back in the reader, painted whole (the shell had drawn over the screen).
    tmux.wait_for(lambda s: "Key stories" in s and "Policy" in s, "the reader after fg")
    tmux.run("send-keys", "-t", tmux.target, "q")
    tmux.wait_for(lambda s: s.count("ready$") > prompts, "the prompt after q")
    tmux.run("send-keys", "-t", tmux.target, "echo status-$?", "Enter")
    tmux.wait_for(lambda s: "status-0" in s, "the reader's exit status")
