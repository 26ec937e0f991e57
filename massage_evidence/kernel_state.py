"""What a warm kernel puts back between two reports, so that no report sees another's traces.

Runs inside the kernel. `remember()` is called once, when the kernel has booted and done the
imports every report needs; `restore()` is called after each report. It clears the user's
namespace, history and execution count (IPython's own reset), then puts back what a notebook may
change for the whole process: the working directory, the environment variables, `sys.path`,
pandas' options, plotly's default template and renderer, the random states of `random` and
numpy, the warning filters (and forgets which warnings were already shown, as a fresh kernel
has), and the module globals of this package. It then checks that each is back and raises when
one is not; the batch then replaces the kernel (see `execute`).

Anything else a notebook changes in a library (a patched function, a registered plotly
template) is not rewound; a kernel serves a bounded number of reports (`execute.REPORTS_PER_KERNEL`)
and a failed report always gets a fresh kernel after it. A report that loads plotly's templates or
renderers where the warm-up had not is followed by a fresh kernel too, since their defaults then
cannot be checked.
"""

from __future__ import annotations

import os
import random
import sys
import warnings
from typing import Any

PACKAGE = __name__.rpartition(".")[0]
_saved: dict[str, Any] = {}


def _pandas_options() -> dict[str, Any]:
    import pandas as pd
    from pandas._config.config import _registered_options

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reading a deprecated option warns
        return {key: pd.get_option(key) for key in sorted(_registered_options)}


def _plotly_defaults() -> dict[str, Any]:
    """plotly's default template and renderer, of those of its modules that are loaded
    (importing the renderers costs seconds, and no report of ours needs them)."""
    loaded = {}
    templates = sys.modules.get("plotly.io._templates")
    if templates is not None:
        loaded["template"] = templates.templates.default
    renderers = sys.modules.get("plotly.io._renderers")
    if renderers is not None:
        loaded["renderer"] = renderers.renderers.default
    return loaded


def _restore_plotly_defaults() -> None:
    """Put back what `remember()` saw; a module loaded since cannot be told from a fresh one's
    defaults, so it is left for the check in `restore()` to report."""
    saved = _saved["plotly"]
    if "template" in saved:
        sys.modules["plotly.io._templates"].templates.default = saved["template"]
    if "renderer" in saved:
        sys.modules["plotly.io._renderers"].renderers.default = saved["renderer"]


def _package_globals() -> dict[str, dict[str, Any]]:
    return {
        name: dict(vars(module))
        for name, module in list(sys.modules.items())
        if module is not None and (name == PACKAGE or name.startswith(f"{PACKAGE}."))
    }


def remember() -> None:
    """Record the state every report starts from (after the warm-up imports)."""
    import numpy as np

    _saved.update(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        path=list(sys.path),
        pandas=_pandas_options(),
        plotly=_plotly_defaults(),
        random=random.getstate(),
        numpy=np.random.get_state(),
        filters=list(warnings.filters),
        package=_package_globals(),
    )


def _restore_package_globals() -> None:
    for name, saved in _saved["package"].items():
        namespace = vars(sys.modules[name])
        for key in [k for k in namespace if k not in saved]:
            del namespace[key]
        namespace.update(saved)


def _forget_shown_warnings() -> None:
    warnings.filters[:] = _saved["filters"]
    warnings.onceregistry.clear()
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()


def restore() -> None:
    """Put the kernel back in the state `remember()` recorded; raise when something stays off."""
    import numpy as np
    import pandas as pd
    from IPython import get_ipython

    get_ipython().reset(new_session=True)
    os.chdir(_saved["cwd"])
    os.environ.clear()
    os.environ.update(_saved["environ"])
    sys.path[:] = _saved["path"]
    changed = {k: v for k, v in _saved["pandas"].items() if _pandas_options().get(k) != v}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in changed.items():
            pd.set_option(key, value)
    _restore_plotly_defaults()
    random.setstate(_saved["random"])
    np.random.set_state(_saved["numpy"])
    _restore_package_globals()
    _forget_shown_warnings()
    still = [
        name
        for name, now, then in (
            ("working directory", os.getcwd(), _saved["cwd"]),
            ("environment", dict(os.environ), _saved["environ"]),
            ("pandas options", _pandas_options(), _saved["pandas"]),
            ("plotly defaults", _plotly_defaults(), _saved["plotly"]),
        )
        if now != then
    ]
    if still:
        raise RuntimeError(f"could not restore: {', '.join(still)}")
