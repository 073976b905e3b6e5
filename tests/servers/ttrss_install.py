#!/usr/bin/env python3
"""Install the Debian packages a private Tiny Tiny RSS needs, when missing.

Run as root on Debian 12 (bookworm); stdlib only. Exit status 0 when every
package is installed afterwards (or already was), 1 with one line on stderr
when they cannot be (not root, no apt-get, the install failed). Quiet unless
it has to install; ``-q`` keeps even that to the one warning line.

Choices that matter (measured, see shared/reviews/sync.md §1.2):

* ``php8.2-cgi`` is named so apt satisfies ``php8.2``'s
  ``libapache2-mod-php8.2 | php8.2-fpm | php8.2-cgi`` without Apache, and
  ``dbconfig-pgsql`` so ``dbconfig-common`` does not pull a MariaDB client.
* Two debconf preseeds stop the package from creating a database and from
  configuring a web server.
* The postinst starts the packaged update daemon through invoke-rc.d; a
  temporary ``policy-rc.d`` that exits 101 stops that when the machine has
  none (container images usually do), and is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGES = (
    "tt-rss",
    "php8.2-cli",
    "php8.2-cgi",
    "php-cli",
    "php-pgsql",
    "php-cgi",
    "php-curl",
    "php-intl",
    "php-mbstring",
    "php-xml",
    "dbconfig-pgsql",
    "postgresql",
)
PRESEEDS = (
    "tt-rss tt-rss/dbconfig-install boolean false\n"
    "tt-rss tt-rss/reconfigure-webserver multiselect \n"
)
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")
# Another apt run on the machine (a colleague's, unattended-upgrades) holds
# the dpkg lock for a while; wait for it rather than fail.
_APT_OPTIONS = ("-o", "DPkg::Lock::Timeout=300", "-o", "APT::Get::Assume-Yes=true")


def missing_packages() -> list[str]:
    """The packages of :data:`PACKAGES` that dpkg does not list as installed."""
    if shutil.which("dpkg-query") is None:
        return list(PACKAGES)
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *PACKAGES],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = {
        line.split()[0] for line in done.stdout.splitlines() if line.endswith(" installed")
    }
    return [name for name in PACKAGES if name not in installed]


def _run(argv: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(argv)}\n")
        out.flush()
        subprocess.run(argv, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)


def install(log: Path) -> None:
    """apt-get update + install of the missing packages; raises on failure."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(
        ["debconf-set-selections"], input=PRESEEDS, text=True, check=True, capture_output=True
    )
    own_policy = not POLICY_RC_D.exists()
    if own_policy:
        POLICY_RC_D.write_text("#!/bin/sh\n# temporary: briefterm tests/servers\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
    try:
        _run(["apt-get", *_APT_OPTIONS, "update"], env, log)
        _run(
            ["apt-get", *_APT_OPTIONS, "install", "--no-install-recommends", *PACKAGES],
            env,
            log,
        )
    finally:
        if own_policy:
            POLICY_RC_D.unlink(missing_ok=True)


def ensure(*, quiet: bool = False, log: Path | None = None) -> str | None:
    """Install what is missing; return None when all is there, else the reason."""
    missing = missing_packages()
    if not missing:
        return None
    if os.environ.get("TTRSS_SKIP_APT") == "1":
        return f"tt-rss packages missing ({' '.join(missing)}) and TTRSS_SKIP_APT=1"
    if os.geteuid() != 0:
        return f"tt-rss packages missing ({' '.join(missing)}) and not root"
    if shutil.which("apt-get") is None:
        return "tt-rss packages missing and no apt-get on this machine"
    log = log or Path(os.environ.get("TMPDIR", "/tmp")) / "briefterm-ttrss-install.log"
    if not quiet:
        print(f"installing {' '.join(missing)} with apt-get (log: {log})", file=sys.stderr)
    started = time.monotonic()
    try:
        install(log)
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"installing the tt-rss packages failed ({exc}); see {log}"
    still = missing_packages()
    if still:
        return f"apt-get left {' '.join(still)} uninstalled; see {log}"
    if not quiet:
        print(f"installed in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return None


def main(argv: list[str]) -> int:
    """``ttrss_install.py [-q]``: exit 0 when the packages are (now) installed."""
    reason = ensure(quiet="-q" in argv)
    if reason:
        print(f"warning: {reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
