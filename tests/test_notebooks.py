"""The stored outputs of the notebooks are checked strictly: a changed number is caught.

`pytest` itself runs every notebook of `notebooks/` under nbval in strict mode (see pyproject);
this test proves that the check can fail, on a copy whose stored outputs are altered by one digit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

NOTEBOOK = REPO / "notebooks" / "06_therapist_and_cost.ipynb"


def nbval(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p"]
    command += ["no:cacheprovider", "-q", str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=path.parent, timeout=300)


def test_a_stored_output_with_one_altered_number_fails_nbval(tmp_path):
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    altered = False
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            table = output.get("data", {}).get("text/html")
            if not altered and table and "<td>" in "".join(table):
                text = "".join(table)
                # The first number in the table ("repeated by 3 sources"), one more.
                match = re.search(r"<td>[^<\d]*(\d+)[^<]*</td>", text)
                assert match, "the table stores a number"
                number = int(match.group(1))
                start, end = match.span(1)
                output["data"]["text/html"] = text[:start] + str(number + 1) + text[end:]
                altered = True
    assert altered
    copy = tmp_path / NOTEBOOK.name
    copy.write_text(json.dumps(notebook), encoding="utf-8")
    shutil.copy(NOTEBOOK, tmp_path / "unaltered.ipynb")

    failed = nbval(copy)
    assert failed.returncode == 1, failed.stdout
    assert "failed" in failed.stdout.splitlines()[-1]
    assert "text/html" in failed.stdout  # nbval names the output that differs
    passed = nbval(tmp_path / "unaltered.ipynb")
    assert passed.returncode == 0, passed.stdout
