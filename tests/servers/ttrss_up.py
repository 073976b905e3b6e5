#!/usr/bin/env python3
"""Start a private Tiny Tiny RSS on loopback, from the Debian package.

Run as root (tt-rss itself then runs as www-data, PostgreSQL as postgres);
stdlib only. Each run builds a fresh instance in a new temporary directory:

1. installs the packages when missing (``ttrss_install.py``; ``TTRSS_SKIP_APT=1``
   forbids that);
2. a private PostgreSQL 15 cluster in ``BASE/pg`` (socket in ``BASE/sock``,
   TCP on 127.0.0.1, fsync off: it is thrown away);
3. the tt-rss schema, and the API enabled for ``admin`` / ``password``;
4. a copy of ``/usr/share/tt-rss/www`` with every symlink re-pointed at its
   absolute target (PHP resolves ``__FILE__`` through symlinks, so a linked
   tree would read /etc's config) and a ``config.php`` of its own;
5. ``feedserver.py`` serving ``BASE/feeds``, used by tt-rss as ``_HTTP_PROXY``
   (tt-rss refuses 127.* feed URLs; subscribe to ``http://feeds.test/NAME``);
6. ``php -S`` with ``PHP_CLI_SERVER_WORKERS`` workers.

Every process is started in its own session; its pid (= its process group)
goes to ``BASE/run/*.pid`` so ``ttrss_down.py BASE`` stops exactly those. With
``--watch-pid PID`` a watchdog tears the instance down when PID exits, so a
killed test run leaves nothing running.

Prints ``KEY=VALUE`` lines (also written to ``BASE/env``): TTRSS_BASE,
TTRSS_URL, TTRSS_API_URL, TTRSS_USER, TTRSS_PASSWORD, TTRSS_FEED_DIR,
TTRSS_FEED_URL, TTRSS_PGHOST, TTRSS_PGPORT, TTRSS_PGUSER, TTRSS_DB.
``--php-only BASE`` starts only php -S again (after ``ttrss_down.py --php-only
BASE``), on the same port, for tests of a server that went away and came back.

Exit 0 when the server answers ``op=login``; 1 with one line on stderr (and
nothing left running) otherwise; 3 when the packages cannot be installed.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import ttrss_down  # noqa: E402  (a sibling script, not a package)
import ttrss_install  # noqa: E402

TTRSS_WWW = Path("/usr/share/tt-rss/www")
TTRSS_SCHEMA = Path("/usr/share/tt-rss/schema/ttrss_schema_pgsql.sql")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
MARKER = ".briefterm-ttrss"
WORKERS = 4
START_DEADLINE = 30.0


class StartError(Exception):
    """The instance could not be started; the message says which step failed."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as(user: str) -> list[str]:
    return ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--"]


def _run(argv: list[str], log: Path, **kwargs: object) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(argv)}\n")
        out.flush()
        done = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False, **kwargs)  # type: ignore[call-overload]
    if done.returncode:
        program = argv[argv.index("--") + 1] if "--" in argv else argv[0]
        # The instance directory is removed on failure: keep the evidence.
        tail = " | ".join(log.read_text().strip().splitlines()[-4:])
        raise StartError(f"{Path(program).name} failed: {tail}")


def _make_dirs(base: Path) -> None:
    base.chmod(0o755)  # www-data and postgres must traverse it
    (base / MARKER).write_text("")
    for name in ("run", "feeds", "sock", "pg"):
        (base / name).mkdir()
    (base / "pg.log").touch()
    (base / "feedserver-requests.log").touch()
    shutil.chown(base / "feedserver-requests.log", "www-data", "www-data")
    for name in ("sock", "pg", "pg.log"):
        shutil.chown(base / name, "postgres", "postgres")
    (base / "pg").chmod(0o700)
    for name in ("lock", "cache/images", "cache/upload", "cache/export", "icons"):
        (base / name).mkdir(parents=True)
    for name in ("lock", "cache", "cache/images", "cache/upload", "cache/export", "icons"):
        shutil.chown(base / name, "www-data", "www-data")
    # No cache/feeds on purpose: with it tt-rss reuses a feed body fetched
    # less than 30 s ago, and a test that rewrites a feed would see old items.


def _start_postgres(base: Path, port: int, log: Path) -> None:
    _run(
        [
            *_as("postgres"),
            str(PG_BIN / "initdb"),
            "-D",
            str(base / "pg"),
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        ],
        log,
    )
    options = (
        f"-p {port} -k {base / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    _run(
        [
            *_as("postgres"),
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(base / "pg"),
            "-l",
            str(base / "pg.log"),
            "-w",
            "-o",
            options,
            "start",
        ],
        log,
    )


def psql(base: Path, port: int, sql: str, *, user: str = "postgres", db: str = "ttrss") -> str:
    """Run SQL through the cluster's socket (trust auth) and return psql's output."""
    done = subprocess.run(
        [
            str(PG_BIN / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(base / "sock"),
            "-p",
            str(port),
            "-U",
            user,
            "-d",
            db,
        ],
        input=sql,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise StartError(f"psql failed: {done.stderr.strip()}")
    return done.stdout


def _load_schema(base: Path, port: int, db_password: str) -> None:
    psql(
        base,
        port,
        f"CREATE ROLE ttrss LOGIN PASSWORD '{db_password}';\nCREATE DATABASE ttrss OWNER ttrss;\n",
        db="postgres",
    )
    psql(base, port, TTRSS_SCHEMA.read_text(), user="ttrss")
    psql(
        base,
        port,
        "INSERT INTO ttrss_user_prefs (owner_uid, pref_name, profile, value)"
        " VALUES (1, 'ENABLE_API_ACCESS', NULL, 'true');\n",
    )


def _copy_www(base: Path) -> None:
    www = base / "www"
    shutil.copytree(TTRSS_WWW, www, symlinks=True)
    for link in [p for p in www.rglob("*") if p.is_symlink()]:
        original = TTRSS_WWW / link.relative_to(www)
        link.unlink()
        if link.name in ("config.php", "feed-icons"):
            continue  # replaced by the instance's own
        link.symlink_to(os.path.realpath(original))
    (www / "feed-icons").symlink_to(base / "icons")


def _config_php(base: Path, url: str, db_port: int, db_password: str, proxy: str) -> str:
    values: dict[str, object] = {
        "DB_TYPE": "pgsql",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(db_port),
        "DB_USER": "ttrss",
        "DB_NAME": "ttrss",
        "DB_PASS": db_password,
        "MYSQL_CHARSET": "UTF8",
        "SELF_URL_PATH": url,
        "_SKIP_SELF_URL_PATH_CHECKS": True,
        "SINGLE_USER_MODE": False,
        "SIMPLE_UPDATE_MODE": False,
        "PHP_EXECUTABLE": "/usr/bin/php",
        "LOCK_DIRECTORY": str(base / "lock"),
        "CACHE_DIR": str(base / "cache"),
        "ICONS_DIR": str(base / "icons"),
        "ICONS_URL": "feed-icons",
        "AUTH_AUTO_CREATE": False,
        "AUTH_AUTO_LOGIN": False,
        "FORCE_ARTICLE_PURGE": 0,
        "ENABLE_REGISTRATION": False,
        "REG_NOTIFY_ADDRESS": "nobody@example.invalid",
        "REG_MAX_USERS": 10,
        "SESSION_COOKIE_LIFETIME": 86400,
        "SMTP_FROM_NAME": "Tiny Tiny RSS",
        "SMTP_FROM_ADDRESS": "nobody@example.invalid",
        "DIGEST_SUBJECT": "[tt-rss] digest",
        "CHECK_FOR_UPDATES": False,
        "ENABLE_GZIP_OUTPUT": False,
        "PLUGINS": "auth_internal, note",
        "LOG_DESTINATION": "sql",
        "CONFIG_VERSION": 26,
        "_HTTP_PROXY": proxy,
        "FEED_FETCH_TIMEOUT": 10,
        "FEED_FETCH_NO_CACHE_TIMEOUT": 10,
        "FILE_FETCH_TIMEOUT": 10,
        "FILE_FETCH_CONNECT_TIMEOUT": 5,
    }
    # json.dumps gives a PHP-compatible literal for str/int/bool.
    lines = [f"\tdefine({json.dumps(k)}, {json.dumps(v)});" for k, v in values.items()]
    return "<?php\n" + "\n".join(lines) + "\n"


def _spawn(
    base: Path, name: str, argv: list[str], log: Path, **kwargs: object
) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    proc = subprocess.Popen(  # type: ignore[call-overload]
        argv, stdin=subprocess.DEVNULL, stderr=out, start_new_session=True, **kwargs
    )
    out.close()
    (base / "run" / f"{name}.pid").write_text(f"{proc.pid}\n")
    return proc  # type: ignore[no-any-return]


def _start_feedserver(base: Path) -> str:
    proc = _spawn(
        base,
        "feedserver",
        [
            *_as("www-data"),
            sys.executable,
            str(HERE / "feedserver.py"),
            str(base / "feeds"),
            "--log",
            str(base / "feedserver-requests.log"),
        ],
        base / "feedserver.log",
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()  # blocks until it listens
    proc.stdout.close()
    if not line.startswith("PORT="):
        tail = " | ".join((base / "feedserver.log").read_text().strip().splitlines()[-3:])
        raise StartError(f"the feed server did not start: {tail}")
    return f"127.0.0.1:{line.removeprefix('PORT=')}"


def _api(url: str, payload: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url + "api/",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "briefterm-tests-up"},
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        return dict(json.loads(reply.read()))


def _wait_for_login(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    # php -S has no readiness signal but its port: retry the first request
    # until it connects, then the login must succeed the first time.
    deadline = time.monotonic() + START_DEADLINE
    delay = 0.01
    while True:
        if proc.poll() is not None:
            raise StartError(f"php -S exited with status {proc.returncode}; see {log}")
        try:
            reply = _api(url, {"op": "login", "user": "admin", "password": "password"})
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise StartError(f"php -S did not answer within {START_DEADLINE:g} s") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.2)
            continue
        if reply.get("status") != 0:
            raise StartError(f"tt-rss refused the admin login: {reply}; see {log}")
        return


def _start_php(base: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "PHP_CLI_SERVER_WORKERS": str(WORKERS),
        "HOME": str(base),
    }
    return _spawn(
        base,
        "php",
        [
            *_as("www-data"),
            "php",
            "-S",
            f"127.0.0.1:{port}",
            "-t",
            str(base / "www"),
        ],
        base / "php.log",
        stdout=subprocess.DEVNULL,
        env=env,
    )


def _start_watchdog(base: Path, watch_pid: int) -> None:
    _spawn(
        base,
        "watchdog",
        [sys.executable, str(HERE / "ttrss_down.py"), "--when-gone", str(watch_pid), str(base)],
        base / "watchdog.log",
        stdout=subprocess.DEVNULL,
    )


def start(parent: Path | None = None, watch_pid: int | None = None) -> dict[str, str]:
    """Build and start one instance; return its facts (see the module docstring)."""
    for user in ("www-data", "postgres"):
        pwd.getpwnam(user)  # KeyError: the packages are not installed
    base = Path(tempfile.mkdtemp(prefix="briefterm-ttrss-", dir=parent))
    try:
        log = base / "setup.log"
        _make_dirs(base)
        if watch_pid is not None:
            _start_watchdog(base, watch_pid)
        pg_port = _free_port()
        _start_postgres(base, pg_port, log)
        db_password = secrets.token_hex(16)
        _load_schema(base, pg_port, db_password)
        _copy_www(base)
        proxy = _start_feedserver(base)
        php_port = _free_port()
        url = f"http://127.0.0.1:{php_port}/"
        (base / "www" / "config.php").write_text(
            _config_php(base, url, pg_port, db_password, proxy)
        )
        php = _start_php(base, php_port)
        _wait_for_login(url, php, base / "php.log")
    except BaseException:
        ttrss_down.stop(base)
        raise
    facts = {
        "TTRSS_BASE": str(base),
        "TTRSS_URL": url,
        "TTRSS_API_URL": url + "api/",
        "TTRSS_USER": "admin",
        "TTRSS_PASSWORD": "password",
        "TTRSS_FEED_DIR": str(base / "feeds"),
        "TTRSS_FEED_URL": "http://feeds.test/",
        "TTRSS_PROXY": proxy,
        "TTRSS_PGHOST": str(base / "sock"),
        "TTRSS_PGPORT": str(pg_port),
        "TTRSS_PGUSER": "postgres",
        "TTRSS_DB": "ttrss",
    }
    (base / "env").write_text("".join(f"{k}={v}\n" for k, v in facts.items()))
    return facts


def restart_php(base: Path) -> None:
    """Start php -S again on the instance's port (tests of an unreachable server)."""
    facts = dict(line.split("=", 1) for line in (base / "env").read_text().splitlines())
    url = facts["TTRSS_URL"]
    php = _start_php(base, int(url.rsplit(":", 1)[1].strip("/")))
    _wait_for_login(url, php, base / "php.log")


def main(argv: list[str]) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parent", type=Path, default=os.environ.get("TTRSS_PARENT"))
    parser.add_argument("--watch-pid", type=int, default=None)
    parser.add_argument("-q", "--quiet", action="store_true")
    parser.add_argument(
        "--php-only",
        type=Path,
        metavar="BASE",
        help="start php -S again for the instance BASE (after ttrss_down.py --php-only)",
    )
    args = parser.parse_args(argv)
    if args.php_only:
        try:
            restart_php(args.php_only)
        except (StartError, OSError) as exc:
            print(f"ttrss_up: {exc}", file=sys.stderr)
            return 1
        return 0
    reason = ttrss_install.ensure(quiet=args.quiet)
    if reason:
        print(f"ttrss_up: {reason}", file=sys.stderr)
        return 3
    try:
        facts = start(args.parent, args.watch_pid)
    except (StartError, OSError, KeyError) as exc:
        print(f"ttrss_up: {exc}", file=sys.stderr)
        return 1
    for key, value in facts.items():
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
