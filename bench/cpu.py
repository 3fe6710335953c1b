"""Where the machine's CPU goes during a load (bench/loadtest.py), from /proc (Linux): the web
servers' processes (TLS, gunicorn and Django together; with two servers, HAProxy's too, which
then does the TLS), PostgreSQL's, and the load generator's own. The workers of `malbild worker`
are not counted: the journeys enqueue no tasks. A process that ended meanwhile is counted
through its parent, which waited for it (the kernel adds a reaped child's time to the parent's
`cutime` and `cstime`).

docs/scaling.md builds its estimates on these figures per request: unlike a rate or a latency,
CPU time does not grow with the other sessions' load on the machine (much).
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children), or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (name) "
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, (utime + stime + cutime + cstime) / TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def tree_seconds(roots: list[int]) -> float:
    """The CPU seconds of `roots` and every process below them."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                processes[int(entry.name)] = found
    children: dict[int, list[int]] = {}
    for pid, (ppid, _seconds) in processes.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [pid for pid in roots if pid in processes]
    while todo:
        pid = todo.pop()
        total += processes[pid][1]
        todo.extend(children.get(pid, []))
    return total


def _serves(command: str) -> bool:
    """Whether a command line is a web server's: `malbild serve`, or HAProxy in front of two
    (bench/proxy.py), which then does the TLS that `malbild serve` does alone."""
    program = command.split(" ", 1)[0]
    return "malbild.cli serve" in command or Path(program).name == "haproxy"


def servers_of(parent: int) -> list[int]:
    """The `malbild serve` processes, and the proxy in front of them, started by `parent` (the
    load test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and stat[0] == parent and _serves(_cmdline(int(entry.name))):
                found.append(int(entry.name))
    return found


def postmaster(data: Path) -> list[int]:
    """PostgreSQL's postmaster of the cluster in `data` (the first line of postmaster.pid)."""
    try:
        return [int((data / "postmaster.pid").read_text().split()[0])]
    except (OSError, ValueError, IndexError):
        return []


@dataclass(frozen=True)
class Reading:
    app: float
    database: float
    generator: float

    def __sub__(self, other: "Reading") -> "Reading":
        return Reading(
            self.app - other.app,
            self.database - other.database,
            self.generator - other.generator,
        )


class Meter:
    """CPU seconds of the web servers, PostgreSQL and this process, read together."""

    def __init__(self, data: Path | None) -> None:
        self.data = data

    def read(self) -> Reading:
        return Reading(
            tree_seconds(servers_of(os.getpid())),
            tree_seconds(postmaster(self.data)) if self.data else 0.0,
            time.process_time(),
        )
