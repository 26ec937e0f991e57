"""Writing an export: every table as CSV or Parquet beside its `datapackage.json`, all at once.

The export is written into a new folder beside the target and then renamed into place, so a
reader sees the old export or the new one, never half of one; an existing folder is replaced
only when it is an earlier export of ours (or empty)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..evidence import Evidence
from . import ExportError
from .datapackage import NAME, Resource, descriptor, resources

FORMATS = ("csv", "parquet")
DESCRIPTOR = "datapackage.json"


def _check_target(target: Path) -> None:
    """Raise ExportError unless `target` is absent, empty, or an export written by this tool."""
    if not target.exists():
        if not target.parent.is_dir():
            raise ExportError(f"{target}: its folder {target.parent} does not exist")
        return
    if not target.is_dir():
        raise ExportError(f"{target}: is a file, not a folder; nothing was written")
    if not any(target.iterdir()):
        return
    try:
        ours = json.loads((target / DESCRIPTOR).read_text(encoding="utf-8")).get("name") == NAME
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise ExportError(
            f"{target}: exists and is not an export of massage-evidence; "
            "nothing was overwritten (choose a new or empty folder)"
        )


def _write_table(resource: Resource, path: Path, form: str) -> None:
    if form == "csv":
        resource.frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(resource.frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def _require_parquet() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ExportError(
            "parquet export needs pyarrow: pip install 'massage-evidence[parquet]'"
        ) from None


def export(ev: Evidence, out: str | os.PathLike[str], form: str = "csv") -> Path:
    """Write every table of `ev` and the synthesis tables as `form` (csv or parquet) with a
    `datapackage.json` into the folder `out`; return its path. Same evidence, same bytes."""
    if form not in FORMATS:
        raise ExportError(f"unknown export format {form!r}; allowed: {', '.join(FORMATS)}")
    if form == "parquet":
        _require_parquet()
    target = Path(out).absolute()
    _check_target(target)
    found = resources(ev)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for resource in found:
            _write_table(resource, staging / f"{resource.name}.{form}", form)
        text = json.dumps(descriptor(ev, form, found), ensure_ascii=False, indent=2)
        (staging / DESCRIPTOR).write_text(text + "\n", encoding="utf-8")
        staging.chmod(0o755)
        _replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _replace(staging: Path, target: Path) -> None:
    """Put `staging` at `target`; an earlier export there is moved aside first, then removed."""
    if not target.exists():
        os.replace(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.replace(target, old / target.name)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(old / target.name, target)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)
