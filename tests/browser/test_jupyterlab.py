"""The notebooks in JupyterLab, as a researcher uses them: open, Run All, change a parameter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import artifact

PLOTLY_MIME = "application/vnd.plotly.v1+json"
ERRORS = (
    ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
    " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
)
ALL_PROMPTS_DONE = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
NOTEBOOKS = sorted(
    p.name for p in (Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb")
)
WITHOUT_FIGURES = {"08_review_candidates.ipynb"}  # tables of candidates to review, no figure


def _stored_figures(path: Path) -> int:
    cells = json.loads(path.read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    return sum(PLOTLY_MIME in o.get("data", {}) for o in outputs)


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _open(page, lab, name: str) -> None:
    page.goto(lab.notebook_url(name))
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    page.locator("#jp-main-statusbar", has_text="Idle").wait_for(timeout=60_000)


def _run_all(page) -> None:
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length === 0")
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(ALL_PROMPTS_DONE, timeout=120_000)
    page.locator("#jp-main-statusbar", has_text="Idle").wait_for(timeout=60_000)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_notebook_runs_in_jupyterlab_and_draws_its_figures(page, lab, name):
    expected = _stored_figures(lab.root / name)
    if name in WITHOUT_FIGURES:
        assert expected == 0, f"{name} now stores figures: take it out of WITHOUT_FIGURES"
    else:
        assert expected > 0, f"{name} stores no figure"
    _open(page, lab, name)
    _run_all(page)
    if expected:
        page.wait_for_function(
            f"() => document.querySelectorAll('.js-plotly-plot .main-svg .trace').length > 0"
            f" && document.querySelectorAll('.js-plotly-plot').length >= {expected}",
            timeout=60_000,
        )
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
    assert page.locator(".jp-Notebook .js-plotly-plot").count() == expected
    for figure in page.locator(".jp-Notebook .js-plotly-plot").all():
        assert figure.locator(".main-svg .trace path").count() > 0
    if name.startswith("02_"):
        page.screenshot(path=artifact("jupyterlab.png"), full_page=False)


def test_changing_the_condition_parameter_changes_the_figure(page, lab):
    name = next(n for n in NOTEBOOKS if "time_to_relief" in n)
    _open(page, lab, name)
    parameters = page.locator(".jp-Notebook .jp-CodeCell").first
    assert "condition" in parameters.inner_text()
    parameters.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.type('condition = "widespread_longstanding_pain"')
    _run_all(page)
    first_title = page.locator(".jp-Notebook .js-plotly-plot .gtitle").first
    first_title.wait_for(timeout=60_000)
    assert "widespread" in first_title.text_content().lower()
    assert page.locator(ERRORS).count() == 0
