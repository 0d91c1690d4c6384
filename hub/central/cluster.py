"""A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temp folder.

The server listens only on a Unix socket in its own temp folder (no TCP port at all), so
clusters of parallel test runs never meet. `initdb` refuses to run as root, so under root
(CI) the cluster's files belong to `nobody` and its programs run as that user; the
caller connects over the socket as the `postgres` superuser (trust authentication: the
socket folder is the only way in).

Caller's obligations: `stop()` what you `start()` (or use it as a context manager); the
folder is removed with it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

UNPRIVILEGED_USER = "nobody"
"""Who owns and runs the cluster when we are root (initdb refuses root)."""


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed here."""


def server_bin() -> Path:
    """Return the folder holding initdb, pg_ctl and postgres (Debian keeps it off PATH)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit()
                        else 0)
    if not candidates:
        raise ClusterUnavailable(
            "PostgreSQL server not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin); "
            "scripts/bootstrap.sh installs Debian's postgresql when run as root")
    return Path(candidates[-1]).parent


class ThrowawayCluster:
    """One PostgreSQL server in a temp folder, on a Unix socket only."""

    def __init__(self) -> None:
        self.bin = server_bin()
        self.root = Path(tempfile.mkdtemp(prefix="antrean-pg-"))  # short: socket paths ≤ 107
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.logfile = self.root / "server.log"
        self._as: dict[str, object] = {}
        if os.geteuid() == 0:
            user = pwd.getpwnam(UNPRIVILEGED_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        self.running = False

    def _run(self, *args: str) -> None:
        """Run a server program (as the unprivileged user under root); raise with its output."""
        result = subprocess.run([str(self.bin / args[0]), *args[1:]], cwd=self.root,
                                capture_output=True, text=True, check=False,
                                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                     "LC_ALL": "C.UTF-8"},
                                **self._as)  # type: ignore[call-overload]
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): "
                               f"{result.stdout}{result.stderr}{log[-2000:]}")

    def start(self) -> ThrowawayCluster:
        """Create the cluster and start its server; return self once it accepts connections."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        # No TCP listener; durability is pointless for a cluster that is thrown away.
        options = (f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_wal_size=4GB -c shared_buffers=512MB -c work_mem=64MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                  "-w", "-t", "60", "start")
        self.running = True
        return self

    def conninfo(self, dbname: str = "postgres") -> str:
        """A postgresql:// URL of a database of this cluster (over its socket)."""
        return f"postgresql://postgres@/{dbname}?host={quote(str(self.socket_dir), safe='/')}"

    def stop(self) -> None:
        """Stop the server (fast: rolls back open work) and remove the folder."""
        try:
            if self.running:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
                self.running = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayCluster:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
