"""Run newsboat and briefterm as child processes and measure them the same way.

Both readers are measured from the outside: wall time with ``perf_counter``
around the child, CPU time and peak RSS from ``os.wait4`` (the rusage of that
one child, so the loopback server in our own process never counts).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class RunResult:
    """One measured child process."""

    wall: float
    """Seconds from spawn to exit."""
    cpu: float
    """User + system CPU seconds of the child."""
    max_rss_mb: float
    """Peak resident memory of the child and its descendants, in MiB (see MemorySampler)."""
    returncode: int
    stdout: str
    stderr: str


def _status_kb(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) of ``pid`` in KiB; zeros once it is gone."""
    hwm = rss = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return hwm, rss


def _pss_kb(pid: int) -> int:
    """Proportional set size of ``pid`` (shared pages split between sharers)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return out
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
        for child in children:
            out.append(child)
            out.extend(_descendants(child))
    return out


_DRIVER_CMDLINE = Path("/proc/self/cmdline").read_bytes()


class MemorySampler:
    """Peak memory of a process and its descendants, sampled from /proc.

    ``ru_maxrss`` cannot be used: Linux carries the high-water mark of the
    forking parent across ``exec``, so every child would report at least the
    benchmark driver's own size. ``VmHWM`` belongs to the new address space.
    The peak is the larger of the main process's VmHWM and the highest sum of
    PSS over the process tree seen while sampling (parser worker processes
    share pages with each other, which PSS counts once).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0

    def sample(self) -> None:
        # Until the forked child has exec'd it is a copy of this (large)
        # driver process; a sample taken then would be the driver's size.
        try:
            if Path(f"/proc/{self.pid}/cmdline").read_bytes() == _DRIVER_CMDLINE:
                return
        except OSError:
            return
        hwm, _ = _status_kb(self.pid)
        tree = _pss_kb(self.pid) + sum(_pss_kb(c) for c in _descendants(self.pid))
        self.peak_kb = max(self.peak_kb, hwm, tree)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


def run_measured(
    argv: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 900.0,
    cwd: str | Path | None = None,
) -> RunResult:
    """Run ``argv`` to completion and return its wall time, CPU time and peak RSS."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-out"
    err_path = out_path.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=cwd
        )
        deadline = start + timeout
        memory = MemorySampler(proc.pid)
        while True:
            memory.sample()
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text("utf-8", "replace")
    stderr = err_path.read_text("utf-8", "replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return RunResult(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=memory.peak_mb,
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
    )


def newsboat_path() -> str | None:
    """The newsboat executable, or None when it is not installed."""
    return shutil.which("newsboat")


def newsboat_version() -> str:
    """e.g. "2.21.0"; empty if newsboat is missing."""
    exe = newsboat_path()
    if not exe:
        return ""
    out = subprocess.run([exe, "-v"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"newsboat (\d+\.\d+(?:\.\d+)?)", out)
    return match.group(1) if match else out.splitlines()[0] if out else ""


class Newsboat:
    """A newsboat profile in a private directory: url file, config, cache, HOME."""

    def __init__(self, root: Path, urls: list[str], *, threads: int) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.home = root / "home"
        self.home.mkdir(exist_ok=True)
        self.urls_file = root / "urls"
        self.urls_file.write_text("".join(u + "\n" for u in urls), "utf-8")
        self.config_file = root / "config"
        self.cache_file = root / "cache.db"
        self.set_threads(threads)

    def set_threads(self, threads: int) -> None:
        """Rewrite the config with ``reload-threads``; no limits on kept articles."""
        self.threads = threads
        self.config_file.write_text(
            f"reload-threads {threads}\n"
            # Never ask questions or show notifications: batch mode only.
            "confirm-exit no\n"
            "notify-always no\n"
            "show-read-feeds yes\n"
            "max-items 0\n",
            "utf-8",
        )

    def env(self) -> dict[str, str]:
        """Environment with HOME/XDG pointing into the profile; no proxies."""
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            NO_PROXY="127.0.0.1,localhost",
        )
        return env

    def reset_cache(self) -> None:
        """Delete the cache so the next reload is a first poll."""
        for suffix in ("", "-journal", "-wal", "-shm", ".lock"):
            Path(str(self.cache_file) + suffix).unlink(missing_ok=True)

    def run(self, *commands: str, timeout: float = 900.0) -> RunResult:
        """``newsboat -x COMMAND...`` on this profile, measured."""
        exe = newsboat_path()
        if exe is None:
            raise RuntimeError("newsboat is not installed")
        argv = [
            exe,
            "-u",
            str(self.urls_file),
            "-c",
            str(self.cache_file),
            "-C",
            str(self.config_file),
            "-q",
            "-x",
            *commands,
        ]
        result = run_measured(argv, env=self.env(), timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise RuntimeError(
                f"newsboat {' '.join(commands)} exited {result.returncode}: "
                f"{result.stderr.strip()[:500]}"
            )
        return result

    def store_validators(self, validators: dict[str, tuple[str, str]]) -> None:
        """Write each feed's ETag/Last-Modified into the cache, as a second reload would.

        newsboat 2.21 saves validators only for feeds whose row already exists,
        so after the first reload of a new cache it has none and re-downloads
        everything once more before it sends conditional requests. This does
        that bookkeeping directly instead of spending a whole extra reload.
        """
        import sqlite3
        from email.utils import parsedate_to_datetime

        with sqlite3.connect(self.cache_file) as db:
            db.executemany(
                "UPDATE rss_feed SET etag = ?, lastmodified = ? WHERE rssurl = ?",
                [
                    (etag, int(parsedate_to_datetime(modified).timestamp()), url)
                    for url, (etag, modified) in validators.items()
                ],
            )

    def article_count(self) -> int:
        """Articles in the cache, read straight from its SQLite file.

        ``-x print-unread`` would load the whole cache first, which takes newsboat
        most of a minute at 1,000 feeds.
        """
        import sqlite3

        with sqlite3.connect(self.cache_file) as db:
            return int(db.execute("SELECT count(*) FROM rss_item").fetchone()[0])

    def unread_count(self) -> int:
        """Unread articles according to ``-x print-unread``."""
        out = self.run("print-unread").stdout
        match = re.search(r"(\d+) unread", out)
        return int(match.group(1)) if match else -1


def python_exe() -> str:
    """The interpreter running the benchmark (the project venv)."""
    return sys.executable


# -- terminal sessions ------------------------------------------------------------

_ANSI = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[()][A-Za-z0-9]|\x1b[=>78cM]"  # charset and keypad modes
)


def visible(data: bytes) -> str:
    """Output with escape sequences removed (for finding text on screen)."""
    return _ANSI.sub(b"", data).decode("utf-8", "replace")


class TerminalSession:
    """A program in a pseudo-terminal of ``rows`` × ``cols``, driven like a user.

    Times are taken in this process when output arrives, so they include the
    pty round trip — the same for every program measured.
    """

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        *,
        rows: int = 50,
        cols: int = 160,
        cwd: str | Path | None = None,
    ) -> None:
        import fcntl
        import pty
        import struct
        import termios

        env = dict(env, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                if cwd is not None:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.memory = MemorySampler(pid)
        self.output = bytearray()
        self.usage = None
        self.status: int | None = None

    def read_for(self, seconds: float) -> bytes:
        """Collect output for ``seconds``; return what arrived."""
        import select

        got = bytearray()
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                break
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        self.output += got
        return bytes(got)

    def wait_for(self, marker: str, timeout: float = 120.0, since: int = 0) -> float:
        """Seconds since spawn until ``marker`` is visible in the output after ``since``."""
        import select

        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            self.memory.sample()
            if marker in visible(bytes(self.output[since:])):
                return time.perf_counter() - self.started
            ready, _, _ = select.select([self.fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.output += chunk
        tail = visible(bytes(self.output))[-400:]
        raise TimeoutError(f"{marker!r} never appeared; screen ends: {tail!r}")

    def settle(self, quiet: float = 0.3, limit: float = 30.0) -> None:
        """Read until no output arrived for ``quiet`` seconds."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end and self.read_for(quiet):
            self.memory.sample()
        self.memory.sample()

    def key_latency(self, key: bytes, quiet: float = 0.05, limit: float = 5.0) -> float:
        """Seconds from writing ``key`` to the last byte of the repaint it caused.

        The repaint is over when no output arrived for ``quiet`` seconds (not
        counted). Returns ``limit`` if nothing arrived at all.
        """
        import select

        os.write(self.fd, key)
        sent = time.perf_counter()
        last = None
        end = sent + limit
        while time.perf_counter() < end:
            wait = quiet if last is not None else end - time.perf_counter()
            ready, _, _ = select.select([self.fd], [], [], max(0.0, wait))
            if not ready:
                if last is not None:
                    break
                continue
            chunk = os.read(self.fd, 65536)
            if not chunk:
                break
            self.output += chunk
            last = time.perf_counter()
        return (last - sent) if last is not None else limit

    def send(self, data: bytes) -> None:
        """Type ``data``."""
        os.write(self.fd, data)

    def close(self, quit_keys: bytes = b"q", timeout: float = 10.0) -> None:
        """Quit with ``quit_keys`` (then SIGKILL if needed) and collect rusage."""
        import signal

        self.memory.sample()
        with contextlib.suppress(OSError):
            os.write(self.fd, quit_keys)
        end = time.perf_counter() + timeout
        while True:
            self.read_for(0.05)
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > end:
                os.kill(self.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(self.pid, 0)
                break
        self.status = status
        self.usage = usage
        os.close(self.fd)

    @property
    def max_rss_mb(self) -> float:
        """Peak RSS of the program (after :meth:`close`)."""
        return self.memory.peak_mb
