#!/usr/bin/env python3
"""Stop a Tiny Tiny RSS instance made by ``ttrss_up.py`` and remove its directory.

``ttrss_down.py BASE`` stops exactly what the starter recorded: each
``BASE/run/*.pid`` names a process that was started in its own session, so
its pid is its process group, and the whole group gets SIGTERM (SIGKILL
after a grace period); then ``pg_ctl stop`` for the private cluster. Nothing
is ever looked up or killed by name. A directory without the starter's
marker file is left alone.

``ttrss_down.py --php-only BASE`` stops only the web server (the instance stays,
for tests of an unreachable server; ``ttrss_up.py --php-only BASE`` restarts it).

``ttrss_down.py --when-gone PID BASE`` is the watchdog the starter spawns:
it waits (on a pidfd, no polling) until PID exits, then does the same.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

MARKER = ".briefterm-ttrss"
PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl"
GRACE = 3.0


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Field 5 of stat is the process group; the name (field 2) may
            # contain spaces, so split after its closing parenthesis.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def _wait_gone(pids: list[int], deadline: float) -> list[int]:
    """Wait until every pid has exited (a zombie counts as gone); return the rest."""
    left = []
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                left.append(pid)
        finally:
            os.close(fd)
    return left


def _stop_group(pgid: int) -> None:
    if pgid == os.getpgrp():
        return  # the watchdog's own group: it is about to exit anyway
    members = _group_members(pgid)
    if not members:
        return
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    left = _wait_gone(members, time.monotonic() + GRACE)
    if left:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            return
        _wait_gone(left, time.monotonic() + GRACE)


def stop(base: Path) -> None:
    """Stop every recorded process group and the cluster, then remove ``base``."""
    if not (base / MARKER).exists():
        return
    run = base / "run"
    for pid_file in sorted(run.glob("*.pid")) if run.is_dir() else []:
        with contextlib.suppress(ValueError):
            _stop_group(int(pid_file.read_text().strip()))
    if (base / "pg" / "postmaster.pid").exists():
        subprocess.run(
            [
                "setpriv",
                "--reuid=postgres",
                "--regid=postgres",
                "--init-groups",
                "--",
                PG_CTL,
                "-D",
                str(base / "pg"),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    shutil.rmtree(base, ignore_errors=True)


def _when_gone(pid: int, base: Path) -> None:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        pass
    else:
        select.select([fd], [], [])
        os.close(fd)
    stop(base)


def main(argv: list[str]) -> int:
    """Command line: see the module docstring."""
    if len(argv) == 3 and argv[0] == "--when-gone":
        _when_gone(int(argv[1]), Path(argv[2]))
        return 0
    if len(argv) == 2 and argv[0] == "--php-only":
        base = Path(argv[1])
        if (base / MARKER).exists():
            _stop_group(int((base / "run" / "php.pid").read_text().strip()))
        return 0
    if len(argv) != 1:
        print("usage: ttrss_down.py BASE | --php-only BASE | --when-gone PID BASE", file=sys.stderr)
        return 2
    stop(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
