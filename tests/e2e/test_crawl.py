"""The crawl: an anonymous visitor and every demo account walk every page they can reach by links
from the start page, and each page must be sound: no server error, no broken link, a language, a
title, one h1 and no axe violations, on a desktop and on a 390 px phone, where no page may scroll
sideways (DESIGN.md §6). A named route that no role reaches fails the coverage test,
unless `NOT_CRAWLED` says why.

The crawl only follows `<a href>` links with GET and never submits a form, so it changes nothing
on the demo that the other browser tests share. Django is used here only to map paths to routes
(`resolve`); the database belongs to the server process.

Each role's crawl is a test of its own, in a class of its own, so that `make e2e` (pytest-xdist,
`--dist loadscope`: a class to one process) spreads the roles over its processes. What a role's
crawl found is kept in the run's shared directory: the tests that need every role's crawl (the
coverage) read it there, waiting for a crawl under way in another process, or crawl as that role
themselves when none has yet.
"""

import json
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from playwright.sync_api import Browser, BrowserContext, Error, Page, Route, ViewportSize

from tests.e2e.conftest import assert_sound, check_page, log_in, new_context, page_facts
from tests.e2e.server import held

MAX_VISITS_PER_ROUTE = 2
FOLLOWED_QUERY = [("page", "2")]  # the only query string the crawl follows
SKIPPED_PREFIXES = ("/static/", "/django-admin/")
DESKTOP: ViewportSize = {"width": 1280, "height": 720}
PHONE: ViewportSize = {"width": 390, "height": 844}  # an ordinary phone held upright


@dataclass(frozen=True)
class Role:
    email: str | None  # None: an anonymous visitor
    organisation: str | None  # the slug of the organisation whose start page is also a start


ROLES: dict[str, Role] = {
    "admin": Role("forvaltning@mittkoping.example", "mittkoping"),
    "unit_lead": Role("rektor@mittkoping.example", "mittkoping"),
    "staff": Role("larare@mittkoping.example", "mittkoping"),
    "elected": Role("politiker@mittkoping.example", "mittkoping"),
    "ekby_admin": Role("admin@ekby.example", "ekby"),
    "anonymous": Role(None, None),
}

# Pages that only a form leads to (the redirect after a POST), with nothing to submit or keep
# secret: the anonymous crawl starts there too, so they get the same checks as every other page.
ALSO_START_AT = [
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "surveys_pupil:thanks",
]

# Named routes the crawl cannot reach with a GET link. Keep this short: every entry hides a page
# from the axe check, so each one says why no link can lead there.
NOT_CRAWLED: dict[str, str] = {
    # Communication: buttons on an announcement's page and on "Your feeds and e-mail".
    "announcements:announcement_publish": "POST only",
    "announcements:announcement_unpublish": "POST only",
    "announcements:announcement_delete": "POST only",
    "announcements:feed_token_new": "POST only",
    "announcements:feed_token_revoke": "POST only",
    "announcements:digest": "POST only",
    # Their addresses carry a secret (the personal feed token, shown once) or a signed link that
    # only the digest e-mail holds; tested in malbild/announcements/tests.
    "announcements_personal:atom": "secret token in the address; an Atom document, not a page",
    "announcements_personal:ical": "secret token in the address; an iCalendar file, not a page",
    "announcements_personal:digest_off": "signed link only in the digest e-mail",
    # Success stories and feedback: buttons on a story's and a feedback's page.
    "stories:story_publish": "POST only",
    "stories:story_reject": "POST only",
    "stories:quote_withdraw": "POST only",
    "stories:image_withdraw": "POST only",
    "stories:story_highlight": "POST only",
    "feedback:feedback_answer": "POST only",
    "feedback:feedback_reject": "POST only",
    "feedback:feedback_signal": "POST only",
    # Pictures in <img>, not pages; tested in malbild/stories/tests/test_stories.py.
    "stories:story_image": "an image, not an HTML page",
    "stories_public:story_image": "an image, not an HTML page",
    # The language switch is a POST form in every page's header.
    "set_language": "POST only",
    # A button on the profile page; the answer is a JSON file, not a page.
    "accounts:personal_data": "POST only",
    # A POST button in every page's header, and it would end the crawl's session.
    "accounts:logout": "POST only",
    # Single sign-on is off in the crawled demo; test_sso.py logs in through both, with axe.
    "accounts:sso_login": "only with MALBILD_OIDC_ISSUER; visited in test_sso.py",
    "accounts:sso_callback": "only with MALBILD_OIDC_ISSUER; visited in test_sso.py",
    # A POST button on an archived unit's page.
    "tenants:unit_restore": "POST only",
    # The form on a person's page posts here.
    "tenants:role_grant": "POST only",
    # A POST button beside each role on a person's page.
    "tenants:role_revoke": "POST only",
    # A POST button beside each pending invitation on the people page.
    "tenants:invitation_withdraw": "POST only",
    # Its link carries a secret token that only the invitation e-mail holds; visited with axe in
    # test_links_from_email.py.
    "invitation": "needs a token from an e-mail",
    # Its link carries a secret token that only the password-reset e-mail holds; visited with axe
    # in test_links_from_email.py.
    "accounts:password_reset_confirm": "needs a token from an e-mail",
    # POST forms of the imports app: importing a checked file, choosing the Kolada municipality
    # or a unit's Kolada unit, fetching from Kolada, adding and removing comparison groups.
    "imports:commit": "POST only",
    "imports:kolada_municipality": "POST only",
    "imports:kolada_unit": "POST only",
    "imports:kolada_refresh": "POST only",
    "imports:group_add": "POST only",
    "imports:group_remove": "POST only",
    # POST forms of the practice library: who reads a practice (on its page), a comment or
    # question (on the shared page), and importing the previewed files (on the preview).
    "practices:set_state": "POST only",
    "practices:comment": "POST only",
    "practices:import_commit": "POST only",
    # JSON for load balancers and monitoring, linked from no page.
    "healthz": "not a page",
    # The benchmark's reference page (DESIGN.md §6), linked from no page; its test checks it.
    "baseline": "linked from nowhere: the benchmark's reference",
    # A PDF linked only when a decision has minutes; the demo's decisions have none. The download
    # and its access rules are tested in malbild/platforms/tests/test_minutes.py.
    "platform:decision_minutes": "a PDF, and the demo has no minutes",
    # POST buttons: start a new draft of the platform or of the målbild.
    "platform:draft_start": "POST only",
    "targets:draft_start": "POST only",
    # POST buttons on a draft målbild: remove an investment, propose the draft.
    "targets:investment_delete": "POST only",
    "targets:propose": "POST only",
    # POST buttons on a proposed målbild: take it back to draft, add a comment.
    "targets:withdraw": "POST only",
    "targets:comment": "POST only",
    # POST buttons on an indicator's page: add a dated target, remove one.
    "indicators:target_add": "POST only",
    "indicators:target_remove": "POST only",
    # POST buttons on a goal's page: activate, close, remove evidence, change an indicator's
    # weight, unlink an indicator, remove a contribution.
    "goals:activate": "POST only",
    "goals:close": "POST only",
    "goals:evidence_remove": "POST only",
    "goals:indicator_weight": "POST only",
    "goals:indicator_unlink": "POST only",
    "goals:contribution_remove": "POST only",
    # POST forms on a follow-up report's page: mark it ready, approve it, send it back with a
    # comment, add a comment.
    "followup:report_ready": "POST only",
    "followup:report_approve": "POST only",
    "followup:report_send_back": "POST only",
    "followup:report_comment": "POST only",
    # The "Påminn" button beside each late unit on a period's completion overview.
    "followup:remind": "POST only",
    # A POST button beside each open milestone on an activity's page.
    "plans:milestone_done": "POST only",
    # POST forms on a signal's page: comment or reply, rate, change the state, remove what it
    # led to (a målbild version or activity, or a goal's evidence).
    "scanning:comment": "POST only",
    "scanning:rate": "POST only",
    "scanning:state": "POST only",
    "scanning:unlink": "POST only",
    "scanning:unlink_goal": "POST only",
    # POST buttons beside each candidate from the feeds and each feed source.
    "scanning:candidate_dismiss": "POST only",
    "scanning:source_fetch": "POST only",
    "scanning:source_pause": "POST only",
    # The self-assessment's POST forms: saving one statement's answer (htmx, or the statement's
    # own save without JavaScript), closing a round, taking a person out of it, sharing its
    # anonymised summary.
    "assessments:answer_statement": "POST only",
    "assessments:close": "POST only",
    "assessments:remove_participant": "POST only",
    "assessments:share": "POST only",
    # The demo's own RSS/Atom files for its feed sources to fetch: not a page, linked from no
    # page, and 404 unless MALBILD_FEED_ALLOW_PRIVATE (tested in malbild/scanning/tests).
    "demo_feed": "a feed for the demo's worker, not a page",
    # The JSON API: bearer keys and JSON, not pages (malbild/api/tests/test_matrix.py).
    "api:activities": "JSON API",
    "api:activity_status": "JSON API",
    "api:announcements": "JSON API",
    "api:api-root": "JSON API",
    "api:goals": "JSON API",
    "api:indicators": "JSON API",
    "api:measurements": "JSON API",
    "api:openapi-json": "JSON API",
    "api:platform": "JSON API",
    "api:reports": "JSON API",
    "api:target_vision": "JSON API",
    "api:units": "JSON API",
    "api:write_measurements": "JSON API",
    # The button beside each of one's API keys on the profile page.
    "api_tokens:revoke": "POST only",
    # Elevrösten: buttons on a survey's page (close it, show its results publicly) and beside
    # each open answer (read, hide, choose).
    "surveys:close": "POST only",
    "surveys:publish": "POST only",
    "surveys:text_moderate": "POST only",
    # Follow-up documents: the form that asks for one and the button that retries a failed one.
    "reports:request": "POST only",
    "reports:retry": "POST only",
    # Getting started: the button that puts the start page's box away or back, and the buttons
    # that import a checked file of units or people (test_onboarding.py presses all three).
    "onboarding:box": "POST only",
    "onboarding:unit_file_import": "POST only",
    "onboarding:people_import": "POST only",
}


@dataclass
class Visit:
    url: str  # what the crawl asked for (path and query)
    final_url: str  # where it ended, after redirects
    route: str  # the view name of the final page
    status: int


@dataclass
class Crawl:
    role: str
    visits: list[Visit] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def routes(self) -> set[str]:
        return {visit.route for visit in self.visits}

    def save(self, path: Path) -> None:
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(asdict(self)))
        partial.rename(path)  # whole or not at all

    @classmethod
    def load(cls, path: Path) -> "Crawl":
        found = json.loads(path.read_text())
        visits = [Visit(**visit) for visit in found["visits"]]
        return cls(found["role"], visits, found["failures"])


def route_of(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return "<no route>"


def local_path(url: str, origin: str) -> str:
    """Path and query of `url` without its fragment; the whole URL when it is another site's."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def link_to_follow(href: str, origin: str) -> str | None:
    """The path (and `?page=2`) of a link the crawl follows, or None for one it leaves alone."""
    parts = urlsplit(href)
    if parts.scheme not in {"http", "https"} or f"{parts.scheme}://{parts.netloc}" != origin:
        return None  # mailto:, tel:, another site
    if parts.path.startswith(SKIPPED_PREFIXES) or parts.path == reverse("accounts:logout"):
        return None
    if not parts.query:
        return parts.path
    if parse_qsl(parts.query, keep_blank_values=True) == FOLLOWED_QUERY:
        return f"{parts.path}?page=2"
    return None  # filters and searches: the same route as the page without them


def open_page(page: Page, url: str) -> tuple[int, bool]:
    """Go to `url`; answer its status and whether it is an HTML page to check."""
    try:
        response = page.goto(url)
    except Error as e:
        if "Download is starting" not in e.message:
            raise
        # A file to download: ask again without the browser to learn its status.
        fetched = page.context.request.get(url, max_redirects=5)
        return fetched.status, False
    assert response is not None, url
    return response.status, response.headers.get("content-type", "").startswith("text/html")


def problems_of(page: Page) -> str | None:
    """What is wrong with the page on a desktop and on a phone, or None. The page is measured at
    both widths without loading it again, and left at the desktop's."""
    problems = []
    for width, viewport in (("desktop", DESKTOP), ("390 px", PHONE)):
        page.set_viewport_size(viewport)
        facts = page_facts(page)  # check_page's checks and the width, in one call
        try:
            assert_sound(facts, page.url)
        except AssertionError as e:
            problems.append(f"at {width}: {e}")
        if viewport is PHONE and facts["width"] > PHONE["width"]:
            problems.append(f"scrolls sideways at 390 px: {facts['width']} px wide")
    page.set_viewport_size(DESKTOP)
    return "\n".join(problems) or None


def crawl(
    result: Crawl,
    context: BrowserContext,
    origin: str,
    starts: list[str],
    depth: int | None = None,
) -> None:
    """Breadth-first from `starts` in the browser `context`, following links at most `depth`
    steps away from them (with None, as far as they lead): each URL once, each page once (a URL
    that redirects to a page already checked is not loaded again), each route at most
    MAX_VISITS_PER_ROUTE times. Every visit and every problem goes into `result`."""
    page = context.new_page()
    queue: deque[tuple[str, str | None, int]] = deque((url, None, 0) for url in starts)
    seen = set(starts)
    checked: set[str] = set()  # where the visits ended
    visits_per_route: Counter[str] = Counter()
    while queue:
        url, linked_from, steps = queue.popleft()
        if url in checked:
            continue  # reached already, by a redirect from another URL
        requested_route = route_of(urlsplit(url).path)
        if visits_per_route[requested_route] >= MAX_VISITS_PER_ROUTE:
            continue
        visits_per_route[requested_route] += 1
        status, is_html = open_page(page, url)
        final_url = local_path(page.url, origin) if is_html else url
        seen.add(final_url)
        checked.add(final_url)
        if not final_url.startswith("/"):
            result.failures.append(f"GET {url} led away from Målbild, to {final_url}")
            continue
        result.visits.append(Visit(url, final_url, route_of(urlsplit(final_url).path), status))
        where = f"GET {url}" + (f" (linked from {linked_from})" if linked_from else "")
        if status >= 400:  # a start page, or a link this role was shown
            result.failures.append(f"{where}: answered {status}")
        if not is_html:
            continue
        if problem := problems_of(page):
            result.failures.append(f"{where}: {problem}")
        if depth is not None and steps >= depth:
            continue
        hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            link = link_to_follow(href, origin)
            if link is not None and link not in seen:
                seen.add(link)
                queue.append((link, url, steps + 1))
    page.close()


def start_pages(role: Role) -> list[str]:
    if role.email is None:
        return ["/", *(reverse(name) for name in ALSO_START_AT)]
    return ["/", reverse("dashboards:home", args=[role.organisation])]


def logged_in(context: BrowserContext, email: str) -> None:
    page = context.new_page()
    log_in(page, email)
    page.wait_for_url(lambda url: "/konto/logga-in/" not in url)
    logout = page.locator(f"form[action='{reverse('accounts:logout')}'] button")
    assert logout.count() == 1, f"{email} is not logged in"
    page.close()


def crawl_as(browser: Browser, base_url: str, role: str) -> Crawl:
    """The crawl of one role, in a browser of its own, logged in as that role."""
    context = new_context(browser, base_url)
    context.set_default_timeout(15_000)
    result = Crawl(role)
    try:
        email = ROLES[role].email
        if email is not None:
            logged_in(context, email)
        crawl(result, context, base_url, start_pages(ROLES[role]))
    finally:
        context.close()
    return result


@pytest.fixture(scope="session")
def crawled(browser: Browser, base_url: str, run_dir: Path) -> Callable[[str], Crawl]:
    """Each role's crawl, run once in the whole run: the first process to ask for a role crawls
    as it and keeps the result in the run's shared directory; any other waits for that and
    reads it."""

    def result(role: str) -> Crawl:
        stored = run_dir / f"crawl-{role}.json"
        with held(stored.with_suffix(".lock")):
            if not stored.exists():
                crawl_as(browser, base_url, role).save(stored)
            return Crawl.load(stored)

    return result


def named_routes() -> set[str]:
    """Every named route of the URL conf (Django's admin aside), as `namespace:name`."""

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("django-admin/"):
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield f"{namespace}{pattern.name}"

    return set(walk(get_resolver().url_patterns, ""))


class EveryPageOfTheRole:
    """The crawl of `role`. One class per role below, the longest crawl first (the förvaltning's
    reaches the most pages: 278 s of 943 s in all, then 182, 166, 148, 134 and 35 s at a load
    average of 12), so that the processes of `make e2e` end their shares at about the same time."""

    role = ""

    def test_every_page_the_role_reaches_by_links_is_sound(
        self, crawled: Callable[[str], Crawl]
    ) -> None:
        result = crawled(self.role)
        expected = "accounts:login" if ROLES[self.role].email is None else "dashboards:home"
        assert expected in result.routes, f"the {self.role} crawl never reached {expected}"
        assert not result.failures, f"{len(result.failures)} problems for {self.role}:\n" + (
            "\n".join(result.failures)
        )


class TestAdmin(EveryPageOfTheRole):
    role = "admin"


class TestUnitLead(EveryPageOfTheRole):
    role = "unit_lead"


class TestStaff(EveryPageOfTheRole):
    role = "staff"


class TestElected(EveryPageOfTheRole):
    role = "elected"


class TestEkbyAdmin(EveryPageOfTheRole):
    role = "ekby_admin"


class TestAnonymous(EveryPageOfTheRole):
    role = "anonymous"


def test_every_role_has_a_crawl() -> None:
    crawled = {cls.role for cls in EveryPageOfTheRole.__subclasses__()}
    assert crawled == set(ROLES), f"roles without a class of their crawl: {set(ROLES) - crawled}"


def test_the_crawl_reaches_every_route_that_a_get_link_can(
    crawled: Callable[[str], Crawl],
) -> None:
    routes = named_routes()
    reached = set().union(*(crawled(role).routes for role in ROLES))
    assert set(NOT_CRAWLED) <= routes, f"not routes: {set(NOT_CRAWLED) - routes}"
    missing = routes - reached - set(NOT_CRAWLED)
    assert not missing, f"no role reached (link them, or say why in NOT_CRAWLED): {sorted(missing)}"
    reached_anyway = reached & set(NOT_CRAWLED)
    assert not reached_anyway, f"crawled, so take them off NOT_CRAWLED: {sorted(reached_anyway)}"


def test_the_ekby_admin_meets_no_page_of_mittkoping(
    crawled: Callable[[str], Crawl], browser: Browser, base_url: str
) -> None:
    result = crawled("ekby_admin")
    member_urls = [
        url
        for visit in result.visits
        for url in (visit.url, visit.final_url)
        if url.startswith("/o/")
    ]
    assert member_urls, "the Ekby admin reached no member page"
    foreign = [url for url in member_urls if not url.startswith("/o/ekby/")]
    assert not foreign, f"the Ekby admin reached {foreign}"

    context = new_context(browser, base_url)
    try:
        email = ROLES["ekby_admin"].email
        assert email is not None
        logged_in(context, email)
        page = context.new_page()
        response = page.goto(reverse("dashboards:home", args=["mittkoping"]))
        assert response is not None
        assert response.status == 404
        check_page(page)
    finally:
        context.close()


GUARD_PAGE = """<!doctype html><html lang="sv"><title>Vakt</title><main><h1>Vakt</h1>
<a href="/finns-inte/">trasig länk</a> <a href="/tillganglighet/?q=x">sökning</a>
<a href="mailto:a@b.example">e-post</a> <a href="https://example.org/">annan webbplats</a>
<img src="/static/x.png"><p style="width: 600px">För bred för en telefon</p></main></html>"""


def serve_guard_page(route: Route) -> None:
    route.fulfill(body=GUARD_PAGE, content_type="text/html")


def test_the_crawl_reports_what_it_should(browser: Browser, base_url: str) -> None:
    # Guards the guard: a page with a broken link, an image without text and a paragraph wider
    # than a phone must be reported, and links to searches, e-mail and other sites must be left
    # alone. One step from the guard page: beyond it lie the anonymous crawl's pages.
    context = new_context(browser, base_url)
    context.route("**/vakt/", serve_guard_page)
    result = Crawl("guard")
    try:
        crawl(result, context, base_url, ["/vakt/"], depth=1)
    finally:
        context.close()
    visited = [visit.url for visit in result.visits]
    assert visited == ["/vakt/", "/finns-inte/"]  # no search, e-mail or other site
    assert result.failures[0].startswith("GET /vakt/: at desktop: axe on")
    assert "image-alt" in result.failures[0]
    assert "scrolls sideways at 390 px: 6" in result.failures[0]
    assert result.failures[1] == "GET /finns-inte/ (linked from /vakt/): answered 404"
