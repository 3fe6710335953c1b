"""A local HTTP server that answers like Kolada's API v3, for the tests (and the browser test).

It serves a small, fictional data set in small pages (so `next_url` is followed), and can be
told to misbehave once per request path: answer 503, answer slower than the client's timeout,
answer with something that is not JSON, or with JSON of another shape.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

KPI = "N15419"
UNIT_KPI = "N15503"
KPIS: list[dict[str, Any]] = [
    {"id": KPI, "title": "Elever i åk 9 som är behöriga till ett yrkesprogram, andel (%)",
     "description": "Andel elever i årskurs 9 som är behöriga.", "operating_area": "Grundskola",
     "has_ou_data": True, "is_divided_by_gender": 1},
    {"id": UNIT_KPI, "title": "Elever i åk 9 med godkänt i alla ämnen, andel (%)",
     "description": "", "operating_area": "Grundskola", "has_ou_data": True,
     "is_divided_by_gender": 1},
    {"id": "N00945", "title": "Invånare totalt, antal", "description": "",
     "operating_area": "Befolkning", "has_ou_data": False, "is_divided_by_gender": 1},
]  # fmt: skip
MUNICIPALITIES: list[dict[str, str]] = [
    {"id": "2480", "title": "Mittköping", "type": "K"},
    {"id": "2401", "title": "Norrby", "type": "K"},
    {"id": "2402", "title": "Söderås", "type": "K"},
    {"id": "2403", "title": "Västlanda", "type": "K"},
    {"id": "2404", "title": "Österhamn", "type": "K"},
    {"id": "0000", "title": "Riket", "type": "L"},
    {"id": "2490", "title": "Älvsta", "type": "K"},  # for a municipality that starts from nothing
]
GROUPS: list[dict[str, Any]] = [
    {"id": "G24801", "title": "Liknande kommuner, grundskola, Mittköping",
     "members": [{"member_id": m["id"], "member_title": m["title"]} for m in MUNICIPALITIES[1:5]]},
]  # fmt: skip
UNITS: list[dict[str, str]] = [
    {"id": "V15E248000101", "title": "Åsens skola", "municipality": "2480"},
    {"id": "V15E248000102", "title": "Berga skola", "municipality": "2480"},
    # Älvsta's school units, of the three school forms (Kolada's ids begin with the form: V15
    # grundskola, V17 gymnasieskola, V11 förskola), for the getting-started step.
    {"id": "V15E249000101", "title": "Älvsta centralskola", "municipality": "2490"},
    {"id": "V15E249000102", "title": "Björkängsskolan", "municipality": "2490"},
    {"id": "V17E249000201", "title": "Älvsta gymnasium", "municipality": "2490"},
    {"id": "V11E249000301", "title": "Förskolan Solrosen", "municipality": "2490"},
    {"id": "V11E249000302", "title": "Förskolan Lärkan", "municipality": "2490"},
]
YEARS = range(2018, 2025)


def default_data() -> dict[tuple[str, str, int], list[dict[str, Any]]]:
    """Figures per (kpi, area id, year); Söderås lacks 2020 (status "Saknas")."""
    data: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for kpi in (KPI, UNIT_KPI):
        for n, municipality in enumerate(MUNICIPALITIES):
            for year in YEARS:
                base = 70 + n * 2 + (year - 2018) * (1.5 if n == 0 else 0.5)
                values: list[dict[str, Any]]
                if municipality["id"] == "2402" and year == 2020:
                    values = [{"gender": "T", "status": "Saknas", "value": None, "count": 0}]
                else:
                    values = [
                        {"gender": "T", "status": "", "value": round(base, 1), "count": 1},
                        {"gender": "K", "status": "", "value": round(base + 2, 1), "count": 1},
                        {"gender": "M", "status": "", "value": round(base - 2, 1), "count": 1},
                    ]
                data[(kpi, municipality["id"], year)] = values
        for n, unit in enumerate(u for u in UNITS if u["id"].startswith("V15")):
            for year in YEARS:
                value = round(60 + n * 10 + (year - 2018), 1)
                data[(kpi, unit["id"], year)] = [
                    {"gender": "T", "status": "", "value": value, "count": 1}
                ]
    return data


class FakeKolada:
    def __init__(self, page_size: int = 4) -> None:
        self.page_size = page_size
        self.data = default_data()
        self.units = list(UNITS)  # the school units it lists (a test may close one)
        self.faults: dict[str, list[str]] = {}  # path prefix → faults to give, in order
        # Set when the server stops: a "slow" answer waits for it, so it comes only after any
        # client timeout (no clock decides whether the client gave up first).
        self.stopping = threading.Event()
        self.log: list[str] = []
        self.url = ""

    def fail(self, prefix: str, *faults: str) -> None:
        """The next requests whose path starts with `prefix` answer with `faults` in turn:
        "503", "slow" (no answer until the server stops), "notjson" or "shape"."""
        self.faults.setdefault(prefix, []).extend(faults)

    def _fault_for(self, path: str) -> str | None:
        for prefix, faults in self.faults.items():
            if path.startswith(prefix) and faults:
                return faults.pop(0)
        return None

    def answer(self, path: str, query: dict[str, list[str]]) -> dict[str, Any]:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:1] != ["v3"]:
            raise LookupError(path)
        parts = parts[1:]
        title = query.get("title", [""])[0].casefold()
        items: list[dict[str, Any]]
        if parts == ["kpi"]:
            items = [k for k in KPIS if title in k["title"].casefold()]
        elif parts[:1] == ["kpi"] and len(parts) == 2:
            items = [k for k in KPIS if k["id"] in parts[1].split(",")]
        elif parts == ["municipality"]:
            items = [m for m in MUNICIPALITIES if title in m["title"].casefold()]
        elif parts == ["municipality_groups"]:
            items = [g for g in GROUPS if title in g["title"].casefold()]
        elif parts[:1] == ["municipality_groups"] and len(parts) == 2:
            items = [g for g in GROUPS if g["id"] == parts[1]]
        elif parts == ["ou"]:
            municipality = query.get("municipality", [""])[0]
            items = [
                u for u in self.units
                if title in u["title"].casefold() and municipality in ("", u["municipality"])
            ]  # fmt: skip
        elif parts[:1] in (["data"], ["oudata"]) and len(parts) == 7:
            _kind, _k, kpi, _area, ids, _y, years = parts
            if len(ids.split(",")) > 25 or len(years.split(",")) > 25:
                raise LookupError("more than 25 ids")
            items = []
            for area in ids.split(","):
                for year in years.split(","):
                    values = self.data.get((kpi, area, int(year)))
                    if values is not None:
                        key = "ou" if parts[0] == "oudata" else "municipality"
                        items.append({"kpi": kpi, key: area, "period": int(year), "values": values})
        else:
            raise LookupError(path)
        page = int(query.get("page", ["1"])[0])
        size = min(self.page_size, int(query.get("per_page", [str(self.page_size)])[0]))
        chunk = items[(page - 1) * size : page * size]
        more = page * size < len(items)
        return {
            "count": len(chunk),
            "values": chunk,
            "next_url": f"{self.url}{path}?page={page + 1}&per_page={size}" if more else None,
            "previous_url": None,
        }


def _handler(fake: FakeKolada) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            fake.log.append(self.path)
            fault = fake._fault_for(parts.path)
            if fault == "503":
                return self._send(503, b"Service Unavailable", "text/plain")
            if fault == "slow":
                fake.stopping.wait(30)
            if fault == "notjson":
                return self._send(200, b"<html>Kolada underh\xc3\xa5lls</html>", "text/html")
            if fault == "shape":
                return self._send(200, json.dumps({"results": [1, 2]}).encode(), "application/json")
            try:
                body = fake.answer(parts.path, parse_qs(parts.query))
            except (LookupError, ValueError):
                return self._send(404, b'{"error": "not found"}', "application/json")
            self._send(200, json.dumps(body).encode(), "application/json")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


@contextmanager
def serving(fake: FakeKolada | None = None) -> Iterator[FakeKolada]:
    fake = fake or FakeKolada()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()


def main() -> None:  # pragma: no cover  (for trying the pages by hand)
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    fake = FakeKolada()
    fake.url = f"http://127.0.0.1:{port}"
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(fake))
    server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
