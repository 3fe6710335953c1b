"""Tables on a phone (issue 24, item 4): at 390 px a table that lists things becomes a pile of
cards, one per row, the status first and every other cell labelled with its column's header
(`table.stack`, malbild.css). Only a grid of numbers keeps its columns: it scrolls inside its own
box, a focusable region named by the table's caption, and the caption is not cut off. Nothing
else in a page scrolls sideways.

One page per kind of table, as the administrator, who sees them all; axe runs on each page at
390 px (the crawl checks every page at both widths). The pages are only read.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from tests.e2e.conftest import check_page, log_in, new_context

PHONE: ViewportSize = {"width": 390, "height": 844}
ORG = "/o/mittkoping"

# What the page says is wrong with its tables, as a list of sentences (empty: all is well).
TABLE_PROBLEMS = """() => {
  const problems = [];
  const main = document.querySelector("main");
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(c => "." + c).join("")
    + (el.querySelector("caption") ? ` ("${el.querySelector("caption").textContent.trim()}")` : "");
  const shown = el => getComputedStyle(el).display !== "none";

  // Only a grid of numbers may scroll sideways, in a region named by its caption.
  for (const el of main.querySelectorAll("*")) {
    if (!["auto", "scroll"].includes(getComputedStyle(el).overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (el.tagName === "PRE" && el.tabIndex === 0) continue;  // an example of a file, focusable
    const table = el.querySelector(":scope > table");
    const caption = table ? table.caption : null;
    if (!table || table.classList.contains("stack")) {
      problems.push(`${name(el)} scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px)`);
      continue;
    }
    if (el.getAttribute("role") !== "region" || el.tabIndex !== 0
        || !caption || !caption.id || el.getAttribute("aria-labelledby") !== caption.id) {
      problems.push(`${name(el)} scrolls but is not a focusable region named by its caption`);
      continue;
    }
    const box = el.getBoundingClientRect();
    const words = caption.getBoundingClientRect();
    if (!caption.classList.contains("visually-hidden")
        && (words.left < box.left - 1 || words.right > box.right + 1)) {
      problems.push(`${name(el)}: its caption is cut (${words.width} px wide in ${box.width} px)`);
    }
  }

  // A stacked table: a card per row, the status first, every cell labelled by its header.
  for (const table of main.querySelectorAll("table.stack")) {
    const headers = table.tHead ? [...table.tHead.rows[0].cells] : [];
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        if (getComputedStyle(row).display !== "flex") {
          problems.push(`${name(table)}: a row is not a card`);
          break;
        }
        const cells = [...row.cells].filter(shown);
        for (const cell of cells) {
          if (cell.tagName !== "TD" || cell.colSpan > 1) continue;  // a row of its own: no column
          const label = cell.dataset.label;
          const header = headers[cell.cellIndex];
          const text = cell.textContent.trim();
          if (!label) {
            problems.push(`${name(table)}: a cell without data-label: "${text}"`);
          } else if (header && !header.textContent.toLowerCase().includes(label.toLowerCase())) {
            const column = header.textContent.trim();
            problems.push(`${name(table)}: a cell labelled "${label}" under "${column}"`);
          }
        }
        const status = row.querySelector(":scope > .stack__status");
        if (status) {
          const top = status.getBoundingClientRect().top;
          if (cells.some(cell => cell !== status && cell.getBoundingClientRect().top < top)) {
            problems.push(`${name(table)}: the status is not first in its card`);
          }
        }
      }
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def admin(browser: Browser, base_url: str) -> Iterator[Page]:
    context = new_context(browser, base_url)
    page = context.new_page()
    log_in(page, "forvaltning@mittkoping.example")
    page.wait_for_url(lambda url: "/konto/logga-in/" not in url)
    page.set_viewport_size(PHONE)
    yield page
    context.close()


def tables_fit(page: Page) -> None:
    """The page at 390 px: axe, no sideways scrolling, its tables as the module says."""
    check_page(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    problems: list[str] = page.evaluate(TABLE_PROBLEMS)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("path", "stacked"),
    [
        ("/handlingsplaner/", 1),  # activities
        ("/logg/", 1),  # the audit log
        ("/omvarld/", 1),  # signals
        ("/omvarld/radar/", 1),
        ("/styrdokument/", 2),  # steering documents, their recent changes
        ("/indikatorer/", 1),
        ("/malbild/", 2),  # the målbild's investments and versions
        ("/sjalvskattning/", 1),  # self-assessment rounds
        ("/data/", 1),  # import runs
        ("/personer/", 1),  # people (and invitations, when there are any)
        ("/enheter/", 1),  # the unit tree
        ("/uppfoljning/", 1),  # follow-up periods
        ("/synpunkter/", 1),  # feedback
        ("/elevrosten/", 1),  # pupil surveys
    ],
)
def test_a_list_is_a_pile_of_labelled_cards_with_the_status_first(
    admin: Page, path: str, stacked: int
) -> None:
    admin.goto(ORG + path)
    assert admin.locator("main table.stack").count() >= stacked, admin.url
    tables_fit(admin)


def test_the_kolada_comparison_stacks_and_only_its_grid_of_years_scrolls(admin: Page) -> None:
    admin.goto(f"{ORG}/data/kolada/")
    admin.locator("main a", has_text="Jämför").first.click()
    admin.wait_for_url("**/jamforelse/")
    assert admin.locator("main table.stack").count() == 2  # the municipalities, the schools
    grid = admin.get_by_role("region", name="Värden per år från Kolada (totalt för alla kön)")
    assert grid.evaluate("box => box.scrollWidth > box.clientWidth"), "the grid fits: test another"
    tables_fit(admin)


def test_the_self_assessment_grid_of_units_and_areas_scrolls_with_its_caption_whole(
    admin: Page,
) -> None:
    admin.goto(f"{ORG}/sjalvskattning/kommunen/")
    assert admin.locator("main table.stack").count() == 1  # the statements' distribution
    tables_fit(admin)
