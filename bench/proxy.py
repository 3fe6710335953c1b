"""The site as one server, or as two behind HAProxy (`make load LOAD_SERVERS=2`).

Two servers are two `malbild serve` processes on their own ports, in plain HTTP as behind any
proxy, and two `malbild worker` processes, all on the one PostgreSQL database; HAProxy (Debian's
package `haproxy`) terminates TLS with the bench's certificate, sets `X-Forwarded-Proto` and
`X-Forwarded-For`, and shares the requests between the servers in turn, each request on its
own (no stickiness: nothing may depend on which server answers). It checks `GET /healthz` on
each every half second and takes a server out after two failed checks (a refused connection
fails a check at once; a slow answer only after 10 s, so that load alone takes no server out).

Two headers are the bench's own: every answer says which server gave it (`X-Served-By: web1`),
and a request with `X-Bench-Server: web2` goes to that server while it is up, so that a test
can log in on one server and ask the other (bench/servers.py).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench import load
from bench.database import REPO, free_port, say

HOST = "127.0.0.1"
SERVED_BY = load.SERVED_BY
CHOOSE = "X-Bench-Server"
SERVERS = ("web1", "web2")


@dataclass
class Site:
    """Where the users connect (always HTTPS), and the processes behind it."""

    port: int
    servers: dict[str, "subprocess.Popen[bytes]"] = field(default_factory=dict)
    workers: dict[str, "subprocess.Popen[bytes]"] = field(default_factory=dict)
    logs: Path | None = None

    @property
    def names(self) -> list[str]:
        return list(self.servers)

    def kill(self, name: str) -> None:
        """SIGKILL the server `name` with its gunicorn workers and its task worker, as when its
        machine dies: no clean-up of any kind."""
        for process in (self.servers[name], self.workers[name]):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def haproxy() -> str:
    found = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if found is None:
        sys.exit(
            "bench: two servers need HAProxy: install Debian's package haproxy "
            "(`make load` installs it when run as root)."
        )
    return found


def configuration(port: int, pem: Path, backends: dict[str, int]) -> str:
    servers = "\n".join(
        f"    server {name} {HOST}:{backend} check inter 500 fall 2 rise 2"
        for name, backend in backends.items()
    )
    choose = "\n".join(
        f"    use-server {name} if {{ req.hdr({CHOOSE}) -m str {name} }}" for name in backends
    )
    return f"""global
    maxconn 1024

defaults
    mode http
    timeout connect 5s
    timeout client 120s
    timeout server 120s
    # A check waits up to 10 s for /healthz (without this line it would wait only "inter", half
    # a second, and a busy server, or a busy machine, would be taken out of service and its
    # users answered 503). A dead server refuses the connection and fails its checks at once.
    timeout check 10s
    option redispatch
    retries 3

frontend site
    bind {HOST}:{port} ssl crt {pem}
    http-request set-header X-Forwarded-Proto https
    option forwardfor
    default_backend malbild

backend malbild
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    http-response set-header {SERVED_BY} %[srv_name]
{choose}
{servers}
"""


def _start(args: list[str], env: dict[str, str], log: Path) -> "subprocess.Popen[bytes]":
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603  (the bench's own command line)
            args, env=env, cwd=REPO, stdout=out, stderr=out, start_new_session=True
        )


def _stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(port: int, name: str, processes: list["subprocess.Popen[bytes]"], log: Path) -> None:
    """Until the proxy answers /healthz from server `name` (it then has it in service)."""
    context = load.insecure_context()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            sys.exit(f"bench: a server or the proxy exited:\n{log.read_text()[-3000:]}")
        request = urllib.request.Request(f"https://{HOST}:{port}/healthz", headers={CHOOSE: name})
        try:
            with urllib.request.urlopen(request, timeout=2, context=context) as response:  # noqa: S310
                if response.status == 200 and response.headers.get(SERVED_BY) == name:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"bench: the proxy did not reach {name} within 90 s; see {log}")


@contextmanager
def two_servers(env: dict[str, str], cert: Path, key: Path, work: Path) -> Iterator[Site]:
    """Two servers and two workers behind HAProxy; every process is stopped on the way out."""
    program = haproxy()
    pem = work / "proxy.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    pem.chmod(0o600)
    log = work / "servers.log"
    backends = {name: free_port() for name in SERVERS}
    site = Site(free_port(), logs=log)
    (work / "haproxy.cfg").write_text(configuration(site.port, pem, backends))
    with ExitStack() as stack:
        for name, backend in backends.items():
            site.servers[name] = _start(
                [sys.executable, "-m", "malbild.cli", "serve", "--bind", f"{HOST}:{backend}"],
                env,
                log,
            )
            stack.callback(_stop, site.servers[name])
            site.workers[name] = _start(
                [sys.executable, "-m", "malbild.cli", "worker", "--no-scheduler",
                 "--interval", "0.2", "--name", name],
                env, log,
            )  # fmt: skip
            stack.callback(_stop, site.workers[name])
        proxy = _start([program, "-db", "-f", str(work / "haproxy.cfg")], env, log)
        stack.callback(_stop, proxy)
        for name in backends:
            wait_for(site.port, name, [*site.servers.values(), proxy], log)
        say(f"HAProxy on {HOST}:{site.port} in front of {', '.join(backends)} "
            f"(ports {', '.join(map(str, backends.values()))}) and two workers")  # fmt: skip
        yield site


@contextmanager
def one_server(env: dict[str, str], cert: Path, key: Path, work: Path) -> Iterator[Site]:
    """`malbild serve` over HTTPS itself, as `make bench` measures it."""
    from bench.run import serving

    with serving(env, cert, key, work / "server.log") as port:
        yield Site(port)
