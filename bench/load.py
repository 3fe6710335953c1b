"""A small, real load generator: logged-in users as threads, each on its own keep-alive HTTPS
connection, asking for one page again and again with no pause (a closed loop).

Standard library only. Each user logs in once through the login form, as a browser does: it
reads the CSRF token from the form, posts it with the cookie and an Origin header, and keeps
the session cookie it is given.
"""

import http.client
import math
import random
import re
import ssl
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

LOGIN_PATH = "/konto/logga-in/"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STALE = (http.client.RemoteDisconnected, http.client.CannotSendRequest, ConnectionError)
SERVED_BY = "X-Served-By"  # which server answered, said by the bench's proxy (bench/proxy.py)
SERVER_CPU = re.compile(r"(?:^|,)\s*cpu;dur=([0-9.]+)")


def server_cpu_ms(headers: http.client.HTTPMessage | None) -> float | None:
    """The CPU time the server spent on the request, from its `Server-Timing` header
    (MALBILD_SERVER_TIMING=1, malbild/server/middleware.py); None when it sent none."""
    found = SERVER_CPU.search(headers.get("Server-Timing", "")) if headers is not None else None
    return float(found[1]) if found else None


class LoadError(RuntimeError):
    """The server answered something other than what a working site answers."""


def insecure_context() -> ssl.SSLContext:
    """A TLS context that accepts the bench's own self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass
class User:
    host: str
    port: int
    context: ssl.SSLContext
    cookies: dict[str, str] = field(default_factory=dict)
    connection: http.client.HTTPConnection | None = None
    headers: http.client.HTTPMessage | None = None  # of the last answer
    plain: bool = False  # HTTP instead of HTTPS (behind a proxy that says it was HTTPS)
    extra: dict[str, str] = field(default_factory=dict)  # headers sent with every request

    @property
    def origin(self) -> str:
        return f"{'http' if self.plain else 'https'}://{self.host}:{self.port}"

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """Send one request on the user's connection (opening it again if the server closed an
        idle one) and return the status and the body."""
        sent = self.extra | dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = (
                    http.client.HTTPConnection(self.host, self.port, timeout=60)
                    if self.plain
                    else http.client.HTTPSConnection(
                        self.host, self.port, context=self.context, timeout=60
                    )
                )
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                data = response.read()
            except STALE:
                self.close()
                if attempt == 2:
                    raise
                continue
            self.headers = response.headers
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            if response.will_close:
                self.close()
            return response.status, data
        raise AssertionError("unreachable")

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def log_in(self, email: str, password: str) -> None:
        status, page = self.request("GET", LOGIN_PATH)
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise LoadError(f"GET {LOGIN_PATH} answered {status} without a CSRF token")
        form = {"username": email, "password": password, "csrfmiddlewaretoken": token[1].decode()}
        status, _ = self.request(
            "POST",
            LOGIN_PATH,
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + LOGIN_PATH,
            },
        )
        if status != 302 or not any("sessionid" in name for name in self.cookies):
            raise LoadError(f"logging in as {email} answered {status} and no session cookie")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass(frozen=True)
class Result:
    path: str
    latencies_ms: list[float]
    seconds: float
    cpu_ms: list[float] = field(default_factory=list)  # the server's, when it says

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @classmethod
    def combined(cls, parts: list["Result"]) -> "Result":
        """One result of several runs on the same path."""
        return cls(
            parts[0].path,
            [ms for part in parts for ms in part.latencies_ms],
            sum(part.seconds for part in parts),
            [ms for part in parts for ms in part.cpu_ms],
        )

    def percentile_ms(self, percent: float) -> float:
        """The nearest-rank percentile of the latencies."""
        return nearest_rank(self.latencies_ms, percent)

    def cpu_median_ms(self) -> float:
        """The median of the server's CPU time per request; NaN when the server did not say."""
        return statistics.median(self.cpu_ms) if self.cpu_ms else math.nan


def nearest_rank(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def hammer(users: list[User], path: str, seconds: float) -> Result:
    """Every user asks for `path` again and again for `seconds`, all at once; any answer but
    200 raises LoadError. Throughput is counted from the common start to the last answer."""
    latencies: list[list[float]] = [[] for _ in users]
    cpu: list[list[float]] = [[] for _ in users]
    errors: list[str] = []
    start = threading.Barrier(len(users) + 1)
    began = [0.0]

    def work(index: int, user: User) -> None:
        start.wait()
        deadline = began[0] + seconds
        own = latencies[index]
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                status, _ = user.request("GET", path)
                own.append((time.perf_counter() - sent) * 1000)
                spent = server_cpu_ms(user.headers)
                if spent is not None:
                    cpu[index].append(spent)
                if status != 200:
                    errors.append(f"GET {path} answered {status}")
                    return
        except Exception as e:  # reported below, in the main thread
            errors.append(f"GET {path}: {e!r}")

    threads = [
        threading.Thread(target=work, args=(i, user), daemon=True) for i, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    began[0] = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began[0]
    if errors:
        raise LoadError(errors[0])
    return Result(
        path,
        [ms for own in latencies for ms in own],
        elapsed,
        [ms for own in cpu for ms in own],
    )


def log_in_all(host: str, port: int, email: str, password: str, count: int) -> list[User]:
    """`count` connections of one person, logged in once, as the tabs of one browser (logging
    in hashes the password on purpose slowly, and is not what is measured); each keeps its own
    cookies from then on."""
    context = insecure_context()
    first = User(host, port, context)
    first.log_in(email, password)
    others = [User(host, port, context, cookies=dict(first.cookies)) for _ in range(1, count)]
    return [first, *others]


# The load test's journeys (bench/loadtest.py) ----------------------------------------------------

SAVED_WITH_ERROR = b"field-error"  # the answer fragment's mark of a refused answer


@dataclass(frozen=True)
class Outcome:
    """One request of a journey: when it was sent (seconds from the common start), how long
    its answer took, and its status (0 when no answer came: a connection error)."""

    at: float
    ms: float
    status: int
    what: str
    problem: str = ""
    route: str = ""  # the step's name, the same for every user (Journey.steps)
    cpu_ms: float | None = None  # the server's CPU time for it, when it says
    server: str = ""  # which server answered, behind the bench's proxy (bench/proxy.py)
    form: dict[str, str] | None = None  # what a write sent

    @property
    def failed(self) -> bool:
        return bool(self.problem) or not 200 <= self.status < 400


@dataclass(frozen=True)
class Journeys:
    """Every request of every user in one run of the journeys."""

    outcomes: list[Outcome]
    seconds: float
    started: float  # time.perf_counter() at the common start

    @property
    def requests(self) -> int:
        return len(self.outcomes)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failed]

    def percentile_ms(self, percent: float) -> float:
        """The nearest-rank percentile of the answered requests' latencies."""
        return Result("", [o.ms for o in self.outcomes if o.status], self.seconds).percentile_ms(
            percent
        )

    def routes(self) -> dict[str, Result]:
        """The answered requests of each route (in the journey's order), as results of their
        own over the same time."""
        found: dict[str, list[Outcome]] = {}
        for outcome in self.outcomes:
            if outcome.status:
                found.setdefault(outcome.route, []).append(outcome)
        return {
            route: Result(
                route,
                [o.ms for o in outcomes],
                self.seconds,
                [o.cpu_ms for o in outcomes if o.cpu_ms is not None],
            )
            for route, outcomes in found.items()
        }


class Journey:
    """One user's mixed journey, round after round: the municipality's dashboard, a unit's
    dashboard, a goal, an indicator, the self-assessment page and one answer saved on it as
    htmx saves it, another goal and indicator, and a value entered on the indicator. Two of the
    nine requests write. The plan comes from bench/journeys.py."""

    def __init__(self, user: User, plan: dict[str, Any], seed: int) -> None:
        self.user = user
        self.plan = plan
        self.random = random.Random(seed)  # noqa: S311  (load, not secrets)
        self.token = ""

    def steps(self, turn: int) -> list[tuple[str, str, str, dict[str, str] | None]]:
        """The round's requests: (route, method, path, form)."""
        plan = self.plan
        answers = plan["round"]["answers"]
        answer = answers[turn % len(answers)]

        def pick(name: str, shift: int = 0) -> str:
            pages: list[str] = plan[name]
            return pages[(turn + shift) % len(pages)]

        level = self.random.choice(plan["round"]["levels"])
        value = f"{self.random.uniform(40, 95):.1f}".replace(".", ",")
        write = plan["measurement"]
        return [
            ("dashboard", "GET", plan["dashboard"], None),
            ("unit dashboard", "GET", pick("units"), None),
            ("goal", "GET", pick("goals"), None),
            ("indicator", "GET", pick("indicators"), None),
            ("self-assessment", "GET", plan["round"]["page"], None),
            ("answer saved", "HTMX", answer["path"], {answer["field"]: level}),
            ("goal", "GET", pick("goals", 1), None),
            ("indicator", "GET", pick("indicators", 1), None),
            ("value entered", "POST", write["path"], {**write["form"], "value": value}),
        ]

    def send(self, method: str, path: str, form: dict[str, str] | None) -> tuple[int, str]:
        """One step; returns the status and what was wrong with an answer that has one."""
        if form is None:
            status, page = self.user.request("GET", path)
            token = CSRF_INPUT.search(page)
            if token is not None:
                self.token = token[1].decode()
            return status, ""
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.user.origin,
            "Referer": self.user.origin + self.plan["round"]["page"],
            "X-CSRFToken": self.token,
        }
        if method == "HTMX":
            headers["HX-Request"] = "true"
        status, page = self.user.request("POST", path, body=urlencode(form), headers=headers)
        if method == "HTMX" and status == 200 and SAVED_WITH_ERROR in page:
            return status, "the answer was refused"
        if method == "POST" and status == 200:
            return status, "the form came back with an error"
        return status, ""


@dataclass
class Watch:
    """The outcomes of journeys under way, for a test that waits for something to happen."""

    outcomes: list[list[Outcome]] = field(default_factory=list)
    began: float = 0.0  # time.perf_counter() at the common start; 0 until then

    def count(self, server: str = "", after: float = -1.0) -> int:
        """Good answers (from `server`, to requests sent later than `after`, a perf_counter
        time) so far."""
        return sum(
            1
            for own in self.outcomes
            for o in list(own)
            if not o.failed and (not server or o.server == server) and self.began + o.at > after
        )


def journeys(
    users: list[User],
    plans: list[dict[str, Any]],
    seconds: float,
    *,
    seed: int = 1,
    watch: "Watch | None" = None,
    stop: threading.Event | None = None,
) -> Journeys:
    """Each user walks its journey again and again, with no pause, for `seconds`, all at once.
    Errors are counted, not raised: a connection error or a server error is recorded, the
    connection opened again and the journey goes on with its next step."""
    outcomes: list[list[Outcome]] = [[] for _ in users]
    if watch is not None:
        watch.outcomes = outcomes  # a fault test waits for events in them as they fill
    start = threading.Barrier(len(users) + 1)
    began = [0.0]

    def work(index: int, user: User) -> None:
        journey = Journey(user, plans[index], seed * 1000 + index)
        own = outcomes[index]
        start.wait()
        deadline = began[0] + seconds
        turn = 0
        while True:
            for route, method, path, form in journey.steps(turn):
                if time.perf_counter() >= deadline or (stop is not None and stop.is_set()):
                    return
                sent = time.perf_counter()
                cpu, server = None, ""
                try:
                    status, problem = journey.send(method, path, form)
                    cpu = server_cpu_ms(user.headers)
                    server = user.headers.get(SERVED_BY, "") if user.headers else ""
                except Exception as e:  # a connection error is an error like any other
                    user.close()
                    status, problem = 0, repr(e)
                ms = (time.perf_counter() - sent) * 1000
                what = f"{method} {path}"
                own.append(
                    Outcome(sent - began[0], ms, status, what, problem, route, cpu, server, form)
                )
            turn += 1

    threads = [
        threading.Thread(target=work, args=(i, user), daemon=True) for i, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    began[0] = time.perf_counter()
    if watch is not None:
        watch.began = began[0]
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began[0]
    return Journeys([o for own in outcomes for o in own], elapsed, began[0])
