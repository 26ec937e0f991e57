"""The offline reports as a person sees them: opened from disk with the internet blocked."""

from __future__ import annotations

import re
from pathlib import Path

from massage_evidence.links import ASSERTIONS_PAGE

from .conftest import artifact, block_outside

FIGURE_DIV = re.compile(r'<div (?=[^>]*class="plotly-graph-div")[^>]*\bid="([^"]+)"')


def _report_links(page) -> list[str]:
    """The reports the page links to (not the assertions page, nor a source's reader page)."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    return sorted({h for h in hrefs if h.endswith(".html") and "/" not in h} - {ASSERTIONS_PAGE})


def _assert_figures_drawn(page, html: str, name: str) -> int:
    expected = FIGURE_DIV.findall(html)
    for div_id in expected:
        figure = page.locator(f"#{div_id}")
        figure.locator(".main-svg").first.wait_for(state="attached", timeout=15_000)
        marks = figure.locator(".main-svg .trace path").count()
        assert marks > 0, f"{name}: figure {div_id} has no drawn marks"
        assert figure.bounding_box()["height"] > 100, f"{name}: figure {div_id} is collapsed"
    assert page.locator(".js-plotly-plot").count() == len(expected), name
    return len(expected)


def _undrawable() -> list[str]:
    """The summary-of-findings reports whose comparison has no result the forest plot draws."""
    from massage_evidence import audit, figures, grid, links, load

    ev = load()
    notebook = Path(__file__).resolve().parents[2] / "notebooks" / "09_summary_of_findings.ipynb"
    return [
        links.report_href(report.notebook.name, report.parameters)
        for report in grid.reports(ev, [grid.read_notebook(notebook)])
        if figures.drawable(audit.results(ev, **report.parameters)).empty
    ]


def test_every_report_linked_from_the_index_draws_its_figures_offline(page, all_reports: Path):
    refused = block_outside(page, all_reports)
    page.goto((all_reports / "index.html").as_uri())
    page.screenshot(path=artifact("index.png"), full_page=False)
    links = _report_links(page)
    pages = ("index.html", ASSERTIONS_PAGE)
    expected = sorted(p.name for p in all_reports.glob("*.html") if p.name not in pages)
    assert links == expected and len(links) >= 12
    drawn = {}
    for link in links:
        page.goto((all_reports / link).as_uri())
        page.wait_for_load_state("load")
        drawn[link] = _assert_figures_drawn(page, (all_reports / link).read_text(), link)
        for href in page.eval_on_selector_all("a[href]", "a => a.map(x => x.getAttribute('href'))"):
            if not href.startswith("#"):
                assert (all_reports / href.split("#")[0]).is_file(), (link, href)
        if link.startswith("02-time-to-relief--new"):
            page.screenshot(path=artifact("report.png"), full_page=False)
    # Every report draws at least one figure, except a claim-audit report on one assertion that
    # no research we hold measures: it says so instead (the "all" audit report draws them all),
    # and a summary of findings of a comparison whose results have no effect or means to draw.
    audit_one = [link for link in links if link.startswith("07-claim-audit--")]
    audit_one.remove("07-claim-audit--all.html")
    assert all(drawn[link] >= 1 for link in links if link not in audit_one + _undrawable()), drawn
    assert all(drawn[link] == 0 for link in _undrawable()), drawn
    assert drawn["07-claim-audit--all.html"] >= sum(drawn[link] for link in audit_one) > 0
    assert refused == []
    assert page.console_errors == []


def test_a_request_to_the_internet_would_be_seen(page, all_reports: Path):
    """The blocking above is real: a page that asks for a CDN script gets it refused and noted."""
    probe = all_reports / "probe.html"
    probe.write_text('<script src="https://cdn.plot.ly/plotly-latest.min.js"></script>')
    refused = block_outside(page, all_reports)
    page.goto(probe.as_uri())
    probe.unlink()
    assert refused == ["https://cdn.plot.ly/plotly-latest.min.js"]
