"""The evidence map: every claim by category and basis, coloured by the claim audit's verdict.

Like an EPPI-Mapper map, it shows at a glance where the claims are and where they are not: one
row per category, one column per basis (what a claim rests on), both in vocabulary order and all
of them, so that an empty cell reads as a gap. In each cell, one coloured count per verdict of the
claim audit on the claims' assertions (or "not audited"); each count links to the list of those
claims under the map, and each claim there to its marked span on its source's reader page.
Platitudes are kept, like every claim: the map's counts add up to every claim of the evidence.
"""

from __future__ import annotations

import html

import pandas as pd

from . import links
from .evidence import Evidence

NOT_AUDITED = "Not audited"
# Okabe–Ito colours, one per verdict in vocabulary order (from supported to not addressed).
PALETTE = ("#009E73", "#56B4E9", "#F0E442", "#CC79A7", "#E69F00", "#D55E00")
NOT_AUDITED_COLOUR = "#D9D9D9"
BADGE = (
    "display:inline-block;min-width:1.6em;margin:1px;padding:0 4px;border-radius:3px;"
    "text-align:center;color:#000;text-decoration:none"
)
CLAIM_COLUMNS = ("claim_id", "source_id", "statement", "category", "basis", "verdict")
COUNT_COLUMNS = ("category", "basis", "verdict", "claims", "claim_ids")


def claims(ev: Evidence) -> pd.DataFrame:
    """Every claim with the verdict on its assertion (missing where it is not audited).

    Columns are CLAIM_COLUMNS; category, basis and verdict are categoricals over the vocabulary.
    """
    verdicts = ev.audit.set_index("assertion_id")["verdict"]
    frame = ev.claims[["claim_id", "source_id", "statement", "category", "basis"]].copy()
    frame["verdict"] = (
        ev.claims["assertion_id"].map(verdicts).astype(ev.vocabulary.dtype("verdict"))
    )
    return frame.reset_index(drop=True)


def counts(ev: Evidence) -> pd.DataFrame:
    """How many claims each (category, basis, verdict) holds, for the cells that hold any.

    Columns are COUNT_COLUMNS, in vocabulary order with "not audited" (a missing verdict) last in
    each cell; `claim_ids` lists the claims, comma-separated, in evidence order.
    """
    frame = claims(ev)
    rows = []
    for category in ev.vocabulary.terms("category"):
        for basis in ev.vocabulary.terms("basis"):
            cell = frame[(frame["category"] == category) & (frame["basis"] == basis)]
            for verdict in [*ev.vocabulary.terms("verdict"), None]:
                chosen = cell["verdict"].isna() if verdict is None else cell["verdict"] == verdict
                ids = cell.loc[chosen, "claim_id"].tolist()
                if ids:
                    rows.append((category, basis, verdict, len(ids), ", ".join(ids)))
    table = pd.DataFrame(rows, columns=list(COUNT_COLUMNS))
    return table.astype(
        {
            "category": ev.vocabulary.dtype("category"),
            "basis": ev.vocabulary.dtype("basis"),
            "verdict": ev.vocabulary.dtype("verdict"),
            "claims": "int64",
            "claim_ids": "string",
        }
    )


def _colours(ev: Evidence) -> dict[str | None, tuple[str, str]]:
    """Each verdict term (None: not audited) with its label and colour."""
    terms = ev.vocabulary.terms("verdict")
    colours: dict[str | None, tuple[str, str]] = {
        term: (ev.vocabulary.label("verdict", term), PALETTE[i % len(PALETTE)])
        for i, term in enumerate(terms)
    }
    colours[None] = (NOT_AUDITED, NOT_AUDITED_COLOUR)
    return colours


def anchor(category: str, basis: str, verdict: str | None) -> str:
    """The id of the list of one cell's claims with one verdict, under the map."""
    return f"evidence-map--{category}--{basis}--{verdict or 'not-audited'}"


def bundle(ev: Evidence) -> dict[str, str]:
    """HTML (the map, its legend and the claims of each cell, all text escaped) and plain text
    (the number of claims in each cell)."""
    found = counts(ev)
    frame = claims(ev).set_index("claim_id")
    colours = _colours(ev)
    vocabulary = ev.vocabulary
    categories, bases = vocabulary.terms("category"), vocabulary.terms("basis")
    verdict_of = found["verdict"].astype("object").where(found["verdict"].notna(), None)
    found = found.assign(verdict=verdict_of)
    cells = {key: group for key, group in found.groupby(["category", "basis"], observed=True)}

    classes = {verdict: f"em-{i}" for i, verdict in enumerate(colours)}
    style = f'.evidence-map [class^="em-"]{{{BADGE}}}' + "".join(
        f".evidence-map .{classes[v]}{{background:{colour}}}" for v, (_, colour) in colours.items()
    )

    def badge(verdict: str | None, text: str, href: str | None = None, title: str = "") -> str:
        attributes = (
            f'class="{classes[verdict]}" title="{html.escape(title or colours[verdict][0])}"'
        )
        if href is None:
            return f"<span {attributes}>{html.escape(text)}</span>"
        return f'<a href="{html.escape(href)}" {attributes}>{html.escape(text)}</a>'

    legend = " ".join(badge(v, label) for v, (label, _) in colours.items())
    head = "".join(f"<th>{html.escape(vocabulary.label('basis', b))}</th>" for b in bases)
    parts = [
        f"<style>{style}</style>",
        '<div class="evidence-map">',
        f"<h2>Evidence map: {len(frame)} claims by category and basis</h2>",
        "<p>Each count is a number of claims, coloured by the claim audit's verdict on what "
        "they assert; follow it to the claims. An empty cell is a gap: no claim of that "
        "category rests on that basis.</p>",
        f"<p>Verdict: {legend}</p>",
        '<table class="evidence-map-table"><thead><tr><th>Category</th>'
        f"{head}<th>All</th></tr></thead><tbody>",
    ]
    for category in categories:
        row = [f'<th scope="row">{html.escape(vocabulary.label("category", category))}</th>']
        for basis in bases:
            group = cells.get((category, basis))
            badges = (
                ""
                if group is None
                else "".join(
                    badge(
                        entry.verdict,
                        str(entry.claims),
                        "#" + anchor(category, basis, entry.verdict),
                        f"{entry.claims} claims: {colours[entry.verdict][0]}",
                    )
                    for entry in group.itertuples(index=False)
                )
            )
            row.append(f"<td>{badges}</td>")
        total = int(found.loc[found["category"] == category, "claims"].sum())
        row.append(f"<td>{total or ''}</td>")
        parts.append(f"<tr>{''.join(row)}</tr>")
    totals = "".join(
        f"<td>{int(found.loc[found['basis'] == b, 'claims'].sum()) or ''}</td>" for b in bases
    )
    parts.append(f"</tbody><tfoot><tr><th>All</th>{totals}<td>{len(frame)}</td></tr></tfoot>")
    parts.append("</table><h3>The claims in each cell</h3><ul>")
    for entry in found.itertuples(index=False):
        where = " · ".join(
            [
                vocabulary.label("category", entry.category),
                vocabulary.label("basis", entry.basis),
                colours[entry.verdict][0],
            ]
        )
        items = "".join(
            f'<li><a href="{html.escape(links.claim_href(frame.at[c, "source_id"], c))}">'
            f"{html.escape(c)}</a> {html.escape(frame.at[c, 'statement'])}</li>"
            for c in entry.claim_ids.split(", ")
        )
        parts.append(
            f'<li id="{anchor(entry.category, entry.basis, entry.verdict)}">'
            f"{badge(entry.verdict, str(entry.claims))} {html.escape(where)}<ul>{items}</ul></li>"
        )
    parts.append("</ul></div>")
    matrix = (
        found.pivot_table(
            index="category", columns="basis", values="claims", aggfunc="sum", observed=False
        )
        .reindex(index=categories, columns=bases)
        .fillna(0)
        .astype(int)
    )
    matrix.index = [vocabulary.label("category", c) for c in matrix.index]
    matrix.columns = [vocabulary.label("basis", b) for b in matrix.columns]
    plain = f"Evidence map: {len(frame)} claims by category and basis\n{matrix.to_string()}"
    return {"text/html": "\n".join(parts), "text/plain": plain}


def show(ev: Evidence) -> None:
    """Display the evidence map in the running notebook (see `bundle`)."""
    from IPython.display import display

    display(bundle(ev), raw=True)
