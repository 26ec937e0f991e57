"""How figures and tables are shown: one bundle that works in JupyterLab, nbval and HTML exports."""

from __future__ import annotations

import json
import re

import pandas as pd
import plotly.graph_objects as go

from massage_evidence import display

HOSTILE = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def figure(text: str = "a quote", title: str = "A title") -> go.Figure:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], hovertext=[text, text]))
    return fig.update_layout(title_text=title, height=321)


def test_a_figure_is_plotly_json_html_and_plain_text():
    data, metadata = display.figure_bundle(figure())
    assert set(data) == {display.PLOTLY_MIMETYPE, "text/html", "text/plain"}
    spec = data[display.PLOTLY_MIMETYPE]
    assert spec["data"][0]["type"] == "scatter" and spec["config"] == display.CONFIG
    assert data["text/plain"] == "Figure: A title"
    div_id = metadata["massage_evidence"]["figure"]
    assert metadata["massage_evidence"]["title"] == "A title"
    html = data["text/html"]
    assert re.search(r'<div style="height:\s*321px;\s*width:\s*100%;?">', html)  # its height
    assert f'<div id="{div_id}" class="plotly-graph-div"' in html
    assert re.search(rf'Plotly\.newPlot\(\s*"{div_id}",', html)
    assert "<script" in html and "src=" not in html  # plotly.js comes from the page, once


def test_the_bundle_is_the_same_bytes_every_time_and_differs_with_the_figure():
    first, again = display.figure_bundle(figure()), display.figure_bundle(figure())
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    other, _ = display.figure_bundle(figure(title="Another title"))
    assert other["text/html"] != first[0]["text/html"]
    assert re.fullmatch(r"fig-[0-9a-f]{12}", first[1]["massage_evidence"]["figure"])
    assert "0x" not in first[0]["text/html"]  # no memory addresses


def test_text_from_the_evidence_cannot_close_the_script():
    data, _ = display.figure_bundle(figure(text=HOSTILE, title=HOSTILE))
    script = data["text/html"].split("<script", 1)[1].split(">", 1)[1]
    body = script.rsplit("</script>", 1)[0]
    assert "<" not in body and ">" not in body
    assert data[display.PLOTLY_MIMETYPE]["data"][0]["hovertext"][0] == HOSTILE


def test_a_note_is_one_escaped_sentence():
    bundle = display.note_bundle(f"No figure for {HOSTILE}.")
    assert bundle["text/html"].startswith('<p class="evidence-note">No figure for &lt;/script&gt;')
    assert "<script>" not in bundle["text/html"]
    assert bundle["text/plain"] == f"No figure for {HOSTILE}."


def test_a_table_shows_every_character_escaped_and_no_index():
    quote = "If your injury is relatively new and confined to one area of the back, " * 2
    frame = pd.DataFrame({"claim_id": ["x-001", "x-002"], "quote": [quote, HOSTILE]})
    frame["n"] = pd.array([1, None], dtype="Int64")
    bundle, _ = display.table_bundle(frame)
    assert quote.strip() in bundle["text/html"]  # never cut with "..."
    assert "<script>" not in bundle["text/html"] and "&lt;script&gt;" in bundle["text/html"]
    assert "<th>claim_id</th>" in bundle["text/html"] and "<NA>" not in bundle["text/html"]
    assert bundle["text/plain"].splitlines()[0].split() == ["claim_id", "quote", "n"]


def test_a_card_shows_a_heading_over_labelled_lines_escaped():
    bundle = display.card_bundle(HOSTILE, {"Verdict": "Overstated", "Why": HOSTILE})
    html = bundle["text/html"]
    assert "<script>" not in html and html.count("&lt;script&gt;") == 2
    assert '<dt style="font-weight:600">Verdict</dt><dd>Overstated</dd>' in html
    assert bundle["text/plain"].splitlines() == [HOSTILE, "Verdict: Overstated", f"Why: {HOSTILE}"]


def test_two_tables_side_by_side_read_row_by_row_as_records():
    quotes = pd.DataFrame(
        {"claim_id": ["x-001"], "quote": [HOSTILE], "said_by": ["Davis Reyes"], "basis": [None]}
    )
    results = pd.DataFrame({"result_id": [], "finding": []})
    bundle, metadata = display.side_by_side_bundle(
        {"The articles": quotes, "The research": results}
    )
    html = bundle["text/html"]
    assert html.startswith('<div class="side-by-side" style="display:flex;flex-wrap:wrap;')
    assert "<h4>The articles</h4>" in html and "<h4>The research</h4><p>None.</p>" in html
    assert "<b>x-001</b><br>&lt;/script&gt;" in html and "<script>" not in html
    assert "said by: Davis Reyes · basis: </small>" in html  # a missing value stays blank
    assert bundle["text/plain"] == (
        f"The articles\nx-001\n  {HOSTILE}\n  said by: Davis Reyes · basis: \n\nThe research\nNone."
    )
    downloads = metadata["massage_evidence"]["tables"]
    assert [t["name"] for t in downloads] == ["The articles", "The research"]
    assert downloads[0]["csv"].splitlines()[0] == "claim_id,quote,said_by,basis"
    assert downloads[1]["csv"] == "result_id,finding\n"
