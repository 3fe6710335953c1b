"""A client for Kolada's API v3 (DESIGN.md §2): KPI metadata, municipalities, municipality
groups, school units (OU), and data per KPI × municipality or unit × year.

`MALBILD_KOLADA_URL` is the root without the version; the client appends `/v3/…`. Every answer
is checked for the shape Målbild reads, pages are followed through `next_url` to the end (only
on the same server), at most 25 ids go in one request, and 5xx answers and timeouts are
retried with a growing pause. Whatever goes wrong ends as a :class:`KoladaError` whose message
can be shown to people, so no page breaks when Kolada is down.
"""

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

MAX_IDS = 25  # Kolada answers at most 25 ids of one kind in one request
PER_PAGE = 5000
GENDERS = ("T", "K", "M")
COUNTRY = "0000"  # Kolada's id for the whole of Sweden


class KoladaError(Exception):
    """Kolada could not be asked, or answered something Målbild cannot read."""


@dataclass(frozen=True)
class Figure:
    """One value from Kolada: a KPI for a municipality or unit, a year and a gender."""

    kpi: str
    area_id: str
    year: int
    gender: str
    value: Decimal | None
    status: str


def chunks(items: Sequence[str], size: int = MAX_IDS) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _shape_error() -> KoladaError:
    return KoladaError(_("Kolada answered in a form that Målbild does not recognise."))


class Client:
    """Kolada's API v3. `retries` further attempts after the first, pausing `backoff`,
    2 × `backoff`, 4 × `backoff` … seconds."""

    def __init__(
        self,
        root: str | None = None,
        *,
        timeout: float | None = None,
        retries: int = 3,
        backoff: float | None = None,
    ) -> None:
        self.root = (root or settings.KOLADA_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.KOLADA_TIMEOUT
        self.retries = retries
        # Tests shorten the pause with settings.KOLADA_BACKOFF; it is not an operator setting.
        self.backoff = backoff if backoff is not None else getattr(settings, "KOLADA_BACKOFF", 1.0)
        self.requests = 0
        self._http: httpx.Client | None = None

    def _session(self) -> httpx.Client:
        # One connection pool (and one TLS context) for all the requests of this client.
        if self._http is None:
            self._http = httpx.Client(
                timeout=self.timeout,
                headers={"Accept": "application/json", "User-Agent": "Malbild"},
                follow_redirects=False,
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # Transport ------------------------------------------------------------------------------

    def _same_server(self, url: str) -> bool:
        mine, theirs = urlsplit(self.root), urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)

    def get(self, url: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One page as JSON, with retries; KoladaError when it cannot be had or read."""
        attempt = 0
        while True:
            problem: str
            try:
                self.requests += 1
                response = self._session().get(url, params=params)
            except httpx.TimeoutException:
                problem = _("Kolada did not answer in time.")
            except httpx.HTTPError:
                problem = _("Kolada cannot be reached.")
            else:
                if response.status_code < 400:
                    return self._json(response)
                if response.status_code < 500 and response.status_code != 429:
                    raise KoladaError(
                        _("Kolada refused the request (HTTP %(status)s).")
                        % {"status": response.status_code}
                    )
                problem = _("Kolada is not working right now (HTTP %(status)s).") % {
                    "status": response.status_code
                }
            if attempt >= self.retries:
                raise KoladaError(problem + " " + _("Try again later."))
            time.sleep(self.backoff * (2**attempt))
            attempt += 1

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise KoladaError(_("Kolada answered with something that is not JSON.")) from None
        if not isinstance(body, dict) or not isinstance(body.get("values"), list):
            raise _shape_error()
        if not all(isinstance(item, dict) for item in body["values"]):
            raise _shape_error()
        next_url = body.get("next_url")
        if next_url is not None and not isinstance(next_url, str):
            raise _shape_error()
        return body

    def values(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of every page, following `next_url` to the end."""
        url: str | None = f"{self.root}/v3/{path}"
        query: dict[str, Any] | None = {"per_page": PER_PAGE, **(params or {})}
        seen: set[str] = set()
        while url:
            body = self.get(url, query)
            yield from body["values"]
            url = body.get("next_url") or None
            query = None  # next_url carries its own query
            if url is not None:
                if not self._same_server(url) or url in seen:
                    raise _shape_error()
                seen.add(url)

    # Metadata ------------------------------------------------------------------------------

    @staticmethod
    def _text(item: dict[str, Any], key: str) -> str:
        value = item.get(key)
        if value is None:
            return ""
        if not isinstance(value, str | int):
            raise _shape_error()
        return str(value)

    def search_kpis(self, title: str, limit: int = 50) -> list[dict[str, Any]]:
        """KPIs whose title contains `title`: id, title, description, operating area and
        whether Kolada has school-unit data for it."""
        found = []
        for item in self.values("kpi", {"title": title}):
            found.append(
                {
                    "id": self._text(item, "id"),
                    "title": self._text(item, "title"),
                    "description": self._text(item, "description")[:500],
                    "operating_area": self._text(item, "operating_area"),
                    "has_ou_data": bool(item.get("has_ou_data")),
                }
            )
            if len(found) >= limit:
                break
        if any(not kpi["id"] for kpi in found):
            raise _shape_error()
        return found

    def search_municipalities(self, title: str, limit: int = 50) -> list[dict[str, str]]:
        found = []
        for item in self.values("municipality", {"title": title}):
            found.append(
                {
                    "id": self._text(item, "id"),
                    "title": self._text(item, "title"),
                    "type": self._text(item, "type"),
                }
            )
            if len(found) >= limit:
                break
        return [m for m in found if m["type"] in ("K", "")]

    def municipality_groups(self, title: str = "", group_id: str = "") -> list[dict[str, Any]]:
        """Municipality groups (peer groups such as "Liknande kommuner …") with their members."""
        path = f"municipality_groups/{quote(group_id)}" if group_id else "municipality_groups"
        groups = []
        for item in self.values(path, {"title": title} if title else None):
            members = item.get("members")
            if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
                raise _shape_error()
            groups.append(
                {
                    "id": self._text(item, "id"),
                    "title": self._text(item, "title"),
                    "members": [
                        {"id": self._text(m, "member_id"), "title": self._text(m, "member_title")}
                        for m in members
                    ],
                }
            )
            if len(groups) >= 50:
                break
        return groups

    def search_units(self, title: str, municipality: str = "") -> list[dict[str, str]]:
        """School units (OU) whose name contains `title`, in one municipality if given."""
        params = {"title": title}
        if municipality:
            params["municipality"] = municipality
        found = []
        for item in self.values("ou", params):
            found.append(
                {
                    "id": self._text(item, "id"),
                    "title": self._text(item, "title"),
                    "municipality": self._text(item, "municipality"),
                }
            )
            if len(found) >= 50:
                break
        return found

    def units_of(self, municipality: str, limit: int = 20000) -> list[dict[str, str]]:
        """Every school unit (OU) Kolada lists for a municipality: id, title, municipality and,
        when Kolada says it, its type. Kolada's ids begin with the school form (V11 förskola,
        V15 grundskola …), which is how Målbild tells them apart when no type is given."""
        found = []
        for item in self.values("ou", {"municipality": municipality}):
            unit = {
                "id": self._text(item, "id"),
                "title": self._text(item, "title"),
                "municipality": self._text(item, "municipality"),
                "type": self._text(item, "type") or self._text(item, "ou_type"),
            }
            if not unit["id"]:
                raise _shape_error()
            if unit["municipality"] in ("", municipality):
                found.append(unit)
            if len(found) >= limit:
                break
        return found

    # Data ---------------------------------------------------------------------------------

    def _figures(self, kpi: str, item: dict[str, Any], area_key: str) -> Iterator[Figure]:
        area = item.get(area_key)
        period = item.get("period")
        rows = item.get("values")
        if not isinstance(area, str) or not isinstance(rows, list):
            raise _shape_error()
        try:
            year = int(period)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _shape_error() from None
        for row in rows:
            if not isinstance(row, dict) or row.get("gender") not in GENDERS:
                raise _shape_error()
            raw = row.get("value")
            value = None
            if raw is not None:
                if isinstance(raw, bool) or not isinstance(raw, int | float | str):
                    raise _shape_error()
                try:
                    value = Decimal(str(raw))
                except InvalidOperation:
                    raise _shape_error() from None
                if not value.is_finite():
                    raise _shape_error()
            status = row.get("status") or ""
            if not isinstance(status, str):
                raise _shape_error()
            yield Figure(kpi, area, year, row["gender"], value, status[:20])

    def data(
        self, kpi: str, area_ids: Sequence[str], years: Sequence[int], *, units: bool = False
    ) -> Iterator[Figure]:
        """Figures of `kpi` for municipalities (or school units) and years, 25 ids at a time."""
        kind, area_key = ("oudata", "ou") if units else ("data", "municipality")
        for ids in chunks(list(area_ids)):
            for year_chunk in chunks([str(y) for y in years]):
                path = (
                    f"{kind}/kpi/{quote(kpi)}/{area_key}/{quote(','.join(ids), safe=',')}"
                    f"/year/{','.join(year_chunk)}"
                )
                for item in self.values(path):
                    yield from self._figures(kpi, item, area_key)

    def requests_for(self, area_count: int, year_count: int) -> int:
        """How many requests (first pages) :meth:`data` makes, for progress."""
        return -(-area_count // MAX_IDS) * -(-year_count // MAX_IDS)
