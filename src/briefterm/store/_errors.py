"""One sentence for each way the SQLite cache can fail.

SQLite's own messages ("database or disk is full", "unable to open database
file") say what failed but not which file, why, or what to do; a bare
``OperationalError`` reaching the CLI becomes "internal error … please
report it" for something that is the disk's fault, not a bug. Every path
that meets a :class:`sqlite3.Error` (the CLI's top-level handler, the
reader's marks, opening the cache) turns it into one sentence here.

Rebuilding is advised only for real damage, and then only after
``sqlite3 .recover``: a rebuild from the feeds throws away every read and
starred flag, which a full disk or a read-only directory never justifies.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

# Primary result codes (https://sqlite.org/rescode.html); an extended code
# keeps its primary code in the low byte.
_BUSY, _LOCKED, _NOMEM, _READONLY, _IOERR, _CORRUPT = 5, 6, 7, 8, 10, 11
_FULL, _CANTOPEN, _PERM, _NOTADB = 13, 14, 3, 26

LOW_SPACE = 256 * 1024
"""Free bytes under which a failure to open or write is put down to a full disk."""


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def recover_advice(path: str) -> str:
    """How to save the flags of a damaged cache, then (only if that fails) rebuild it."""
    return (
        f"to keep your read and starred flags, recover it with "
        f"`sqlite3 {path} .recover | sqlite3 {path}.recovered` and move "
        f"{path}.recovered into its place (remove the old -wal and -shm files beside it); "
        "only if that fails, move it aside and run `briefterm poll` to rebuild it"
    )


def damaged(path: str, detail: str) -> str:
    """The sentence for a cache that SQLite reports as corrupt."""
    return f"the cache {path} is damaged ({detail}); {recover_advice(path)}"


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a directory", "a named pipe (FIFO)")."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _free_bytes(path: str) -> int | None:
    directory = Path(path).parent
    try:
        return shutil.disk_usage(directory).free
    except OSError:
        return None


def _cannot_open(path: str, detail: str) -> str:
    """Why SQLite could not open ``path``: look at the file and its directory."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        return f"cannot open the cache {path}: {exc.strerror or exc}"
    if mode is not None and not stat.S_ISREG(mode):
        return f"cannot open the cache {path}: it is {file_kind(mode)}, not a file; move it away"
    if mode is None and os.path.islink(path):
        target = os.readlink(path)
        return (
            f"cannot open the cache {path}: it is a symbolic link to {target}, which cannot be "
            "created there; fix or remove the link"
        )
    directory = str(Path(path).parent)
    if not os.access(directory, os.W_OK | os.X_OK):
        return (
            f"cannot open the cache {path}: its directory {directory} is not writable; "
            "check its permissions"
        )
    if mode is not None and not os.access(path, os.R_OK | os.W_OK):
        return f"cannot open the cache {path}: the file is not readable and writable by you"
    free = _free_bytes(path)
    if free is not None and free < LOW_SPACE:
        return f"cannot open the cache {path}: the disk is full; free some space and try again"
    return f"cannot open the cache {path} ({detail})"


def _full(path: str) -> str:
    return (
        f"the disk holding the cache {path} is full; free some space and try again "
        "(what was saved before is kept)"
    )


def describe(exc: sqlite3.Error, path: str | os.PathLike[str]) -> str:
    """One sentence (no trailing period) for ``exc``, met while using the cache at ``path``."""
    where = str(path)
    detail = str(exc) or type(exc).__name__
    code = _primary_code(exc)
    if code == _FULL:
        return _full(where)
    if code in (_BUSY, _LOCKED):
        return (
            f"the cache {where} is busy: another briefterm (a poll, a sync or the reader) "
            "is writing to it; try again when it has finished"
        )
    if code in (_READONLY, _PERM):
        directory = Path(where).parent
        return (
            f"the cache {where} is read-only; check that you may write to it and to "
            f"its directory {directory}"
        )
    if code in (_CORRUPT, _NOTADB):
        return damaged(where, detail)
    if code == _CANTOPEN:
        return _cannot_open(where, detail)
    if code == _IOERR:
        free = _free_bytes(where)
        if free is not None and free < LOW_SPACE:
            return _full(where)
        return f"cannot read or write the cache {where} (disk I/O error); check the disk"
    if code == _NOMEM:
        return f"out of memory while using the cache {where}"
    if detail.startswith(("no such table", "no such column")):
        return (
            f"the cache {where} lacks what briefterm keeps in it ({detail}): it is damaged "
            f"or was changed by another program; {recover_advice(where)}"
        )
    return f"the cache {where} failed ({detail})"
