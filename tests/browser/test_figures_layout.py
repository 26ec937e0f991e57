"""The figures as a person sees them on a wide and on a narrow screen: no tick labels overlap.

Every report of the grid is opened once, from disk with the internet blocked, in one page; the
viewport is then set to each width, the figures are resized to it as plotly.js does on a window
resize, and the bounding box of every tick label is compared with those of the other labels of
its axis.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import artifact, block_outside

WIDTHS = (1400, 420)
HEIGHT = 900
SLACK = 1.0  # px two boxes may share (anti-aliased edges of neighbouring lines)

# Resize every figure to its container (what plotly.js does on a window resize), then list the
# boxes of the tick labels of each axis: plotly.js draws one layer of ticks per axis.
OVERLAPS = """
async (slack) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  await Promise.all(plots.map((plot) => Plotly.Plots.resize(plot)));
  const found = [];
  let labels = 0;
  for (const plot of plots) {
    const title = plot.querySelector('.gtitle')?.textContent ?? plot.id;
    for (const layer of plot.querySelectorAll('g.xaxislayer-above, g.yaxislayer-above')) {
      const ticks = [...layer.querySelectorAll('g.xtick > text, g.ytick > text')]
        .map((text) => ({text: text.textContent, box: text.getBoundingClientRect()}))
        .filter((tick) => tick.text.trim() && tick.box.width > 0 && tick.box.height > 0);
      labels += ticks.length;
      for (let i = 0; i < ticks.length; i++) {
        for (let j = i + 1; j < ticks.length; j++) {
          const a = ticks[i].box, b = ticks[j].box;
          const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (across > slack && down > slack) {
            found.push(`${title}: "${ticks[i].text}" / "${ticks[j].text}"`);
          }
        }
      }
    }
  }
  return {found, labels, plots: plots.length};
}
"""


def test_no_tick_labels_overlap_at_1400_or_420_px_on_any_report(page, all_reports: Path):
    refused = block_outside(page, all_reports)
    reports = sorted(p.name for p in all_reports.glob("*.html") if p.name != "index.html")
    assert len(reports) >= 12
    overlaps, measured = [], 0
    for name in reports:
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        page.goto((all_reports / name).as_uri())
        page.wait_for_load_state("load")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            result = page.evaluate(OVERLAPS, SLACK)
            overlaps += [f"{name} at {width} px: {found}" for found in result["found"]]
            measured += result["labels"]
            if name.startswith("02-time-to-relief--new"):
                page.screenshot(path=artifact(f"figures-{width}.png"), full_page=False)
    assert overlaps == []
    assert measured > 1000  # the labels were there to be measured
    assert refused == []
    assert page.console_errors == []
