"""One short name per source and one order of the sources, for every table and every figure.

A report names a source many times, in table cells, axis ticks, legends and hover text; it
reads the same everywhere only if everything asks this module. The short name is the publisher,
as the source names itself, without a web address's ending ("Lifescript.com" reads "Lifescript");
a source that names no publisher goes by its title up to the first colon, cut at a word before
SHORT_TITLE characters. Two sources that would share a name are told apart by their id.

The order is alphabetical by short name (ignoring case; ties by source id): the names a reader
sees, in the order a reader looks for them, whatever order the files list the sources in.

    from massage_evidence.sources_order import short_names, source_order, source_dtype

    names = short_names(ev.sources)                # source_id -> short name, in the one order
    claims.sort_values("source_id", key=lambda s: s.astype(source_dtype(ev.sources)))
"""

from __future__ import annotations

import re

import pandas as pd

SHORT_TITLE = 40
_WEB_ENDING = re.compile(r"\.(?:com|org|net|edu|gov)$", re.IGNORECASE)


def short_name(publisher: object, title: object) -> str:
    """The short name of one source: its publisher, else its title shortened (see above)."""
    if isinstance(publisher, str) and publisher.strip():
        return _WEB_ENDING.sub("", publisher.strip())
    text = str(title).split(":", 1)[0].strip()
    if len(text) <= SHORT_TITLE:
        return text
    head = text[:SHORT_TITLE]  # a word that ends at the limit is kept whole
    cut = head.rsplit(" ", 1)[0] if " " in head else head[: SHORT_TITLE - 1]
    return f"{cut.rstrip(' ,;:-')}…"


def short_names(sources: pd.DataFrame) -> dict[str, str]:
    """Each source id's short name, in the one order; names that would repeat get their id."""
    names = {
        str(source_id): short_name(publisher, title)
        for source_id, publisher, title in zip(
            sources["source_id"], sources["publisher"], sources["title"], strict=True
        )
    }
    counts = pd.Series(list(names.values()), dtype=object).value_counts()
    unique = {
        source_id: f"{name} ({source_id})" if counts[name] > 1 else name
        for source_id, name in names.items()
    }
    order = sorted(unique, key=lambda source_id: (unique[source_id].casefold(), source_id))
    return {source_id: unique[source_id] for source_id in order}


def source_order(sources: pd.DataFrame) -> list[str]:
    """Every source id, in the one order of the reports (see the module's text)."""
    return list(short_names(sources))


def source_dtype(sources: pd.DataFrame) -> pd.CategoricalDtype:
    """An ordered categorical of the source ids: sorting by it puts rows in the one order."""
    return pd.CategoricalDtype(source_order(sources), ordered=True)
