"""Start a learner's server inside a memory cgroup of its own: JupyterHub's `Spawner.mem_limit`,
enforced for the local spawner as a container runtime enforces it on Zero to JupyterHub.

Usage (as `c.Spawner.cmd`): `python cgroup_spawn.py jupyterhub-singleuser [ARGS...]`. JupyterHub
passes the limit in the MEM_LIMIT environment variable (bytes); the server and every kernel it
starts share it, and the kernel that goes over is killed by the kernel's OOM killer. Needs a
writable cgroup v1 memory controller (root on this machine); says so and stops otherwise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

MEMORY = Path("/sys/fs/cgroup/memory")
PREFIX = "hub-load-"


def own_group() -> Path:
    """This process's memory cgroup folder."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return MEMORY / path.lstrip("/")
    raise SystemExit("cgroup_spawn: no cgroup v1 memory controller here; cannot enforce mem_limit")


def main(argv: list[str]) -> None:
    limit = int(os.environ.get("MEM_LIMIT", "0"))
    if len(argv) < 2 or limit <= 0:
        raise SystemExit("usage: MEM_LIMIT=BYTES cgroup_spawn.py COMMAND [ARGS...]")
    group = own_group() / f"{PREFIX}{os.environ.get('JUPYTERHUB_USER', 'user')}-{os.getpid()}"
    try:
        group.mkdir()
        (group / "memory.limit_in_bytes").write_text(str(limit))
        (group / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as error:
        raise SystemExit(f"cgroup_spawn: cannot set a memory limit in {group}: {error}") from error
    os.execv(argv[1], argv[1:])


if __name__ == "__main__":
    main(sys.argv)
