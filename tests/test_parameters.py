"""Notebook parameters checked against the vocabulary and the evidence, with one-line errors."""

from __future__ import annotations

import pytest

import massage_evidence as me
from massage_evidence import ParameterError
from massage_evidence.parameters import check, check_parameters, expand


@pytest.fixture(scope="module")
def ev() -> me.Evidence:
    return me.load()


def test_a_vocabulary_parameter_takes_the_fields_terms(ev):
    assert check(ev, "condition", "sciatica") == "sciatica"
    with pytest.raises(ParameterError) as error:
        check(ev, "condition", "sciatika")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("unknown condition 'sciatika' (did you mean 'sciatica'?); allowed: ")
    assert "new_localized_injury" in message


def test_an_id_parameter_takes_the_ids_of_the_evidence(ev):
    assert check(ev, "source", "harvard-massage-back-on-feet") == "harvard-massage-back-on-feet"
    with pytest.raises(ParameterError, match=r"^unknown source '\.\./\.\./etc'; allowed: webmd-"):
        check(ev, "source", "../../etc")


def test_other_parameters_pass_unchecked(ev):
    check_parameters(ev, top=12, comparator="acupuncture")
    with pytest.raises(ParameterError, match="unknown comparator 'chiropractic'"):
        check_parameters(ev, top=12, comparator="chiropractic")


def test_the_wildcard_stands_for_every_value_the_evidence_uses(ev):
    assert expand(ev, "source", "*") == list(ev.sources["source_id"])
    comparators = expand(ev, "comparator", "*")
    assert set(comparators) == set(ev.claims["comparator"].dropna().astype(str))
    assert comparators == [t for t in ev.vocabulary.terms("comparator") if t in comparators]
    assert expand(ev, "condition", "sciatica") == ["sciatica"]
    with pytest.raises(ParameterError, match="top takes no '\\*'"):
        expand(ev, "top", "*")


def test_an_assertion_is_an_audited_one_or_all(ev):
    audited = list(ev.audit["assertion_id"])
    assert check(ev, "assertion", "all") == "all"
    assert check(ev, "assertion", audited[0]) == audited[0]
    assert expand(ev, "assertion", "*") == ["all", *audited]
    unaudited = next(a for a in ev.assertions["assertion_id"] if a not in audited)
    with pytest.raises(ParameterError) as error:
        check(ev, "assertion", unaudited)
    message = str(error.value)
    assert message.startswith(f"unknown assertion {unaudited!r}")
    assert message.endswith(f"; allowed: all, {', '.join(audited)}") and "\n" not in message


def test_a_wrong_parameter_is_one_line_with_its_code_in_ipython_not_a_traceback(ev, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["check"], shell.user_ns["ev"] = check, ev
    shell.run_cell('check(ev, "condition", "sciatika")')
    printed = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(printed) == 1, printed
    assert printed[0].startswith(
        "ParameterError: unknown condition 'sciatika' (did you mean 'sciatica'?); allowed: "
    )
    assert printed[0].endswith(" [unknown-value]")


def test_a_wrong_notebook_parameter_stops_papermill_with_our_one_line(tmp_path):
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .conftest import REPO

    out = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError):
        papermill.execute_notebook(
            REPO / "notebooks" / "03_comparisons.ipynb",
            out,
            parameters={"comparator": "chiropractic"},
            progress_bar=False,
            cwd=REPO / "notebooks",
        )
    errors = [
        output
        for cell in nbformat.read(out, as_version=4).cells
        for output in cell.get("outputs", [])
        if output["output_type"] == "error"
    ]
    (error,) = errors
    (line,) = error["traceback"]  # one line: no frame of the package, no frame at all
    assert line.startswith("ParameterError: unknown comparator 'chiropractic'; allowed: ")
    assert line.endswith(" [unknown-value]")
