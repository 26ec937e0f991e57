"""For every test path (tests/ and notebooks/): which tests must share a pytest-xdist worker."""

from __future__ import annotations

import pytest

# Which tests must share one pytest-xdist worker (`make test` runs `-n auto --dist loadgroup`):
# a notebook's cells run in order in one kernel, and the tests of a costly session fixture share
# its one render instead of repeating it on every worker. Every other test goes where there is room.
SHARED_FIXTURES = ("all_reports", "lab", "rendered")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":
            group = f"notebook-{item.path.stem}"
        else:
            group = next(
                (f for f in SHARED_FIXTURES if f in getattr(item, "fixturenames", ())), None
            )
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
