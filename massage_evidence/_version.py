"""The package version, read from the installed metadata (pyproject.toml is its one source).

In a module of its own, so that no module imports it from the package's `__init__`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("massage-evidence")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
